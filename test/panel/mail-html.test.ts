import { describe, expect, it } from 'vitest';
import { mailFrameCsp, sanitiseMailHtml } from '../../src/http/mail-html.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const bodyOf = (html: string) => html.slice(html.indexOf('<body>'));

describe('mail HTML is cleaned before any browser sees it', () => {
  it('keeps the layout a newsletter needs: tables, inline styles, <style>, fonts', () => {
    const { html } = sanitiseMailHtml('<style>.x{color:red}</style><table width="100%" style="border:1px solid #ccc"><tr><td class="x" align="center"><font color="#333">Hi</font></td></tr></table>', { images: false, inline: [] });
    expect(bodyOf(html)).toContain('<style>.x{color:red}</style>');
    expect(bodyOf(html)).toContain('<table width="100%" style="border:1px solid #ccc">');
    expect(bodyOf(html)).toContain('<td class="x" align="center"><font color="#333">Hi</font></td>');
  });

  it('blocks remote images and counts them, until the agent asks for them', () => {
    const dirty = '<img src="https://tracker.example/pixel.gif" alt="pixel"><img src="http://cdn.example/logo.png" alt="logo">';
    const blocked = sanitiseMailHtml(dirty, { images: false, inline: [] });
    expect(blocked.blockedImages).toBe(2);
    expect(blocked.html).not.toContain('tracker.example');
    expect(blocked.html).toContain('<img alt="pixel" />');
    const shown = sanitiseMailHtml(dirty, { images: true, inline: [] });
    expect(shown.blockedImages).toBe(0);
    expect(shown.html).toContain('src="https://tracker.example/pixel.gif"');
    expect(mailFrameCsp(false)).toContain('img-src data:;');
    expect(mailFrameCsp(true)).toContain('img-src data: https: http:;');
  });

  it('embeds cid: inline images (RFC 2392) and drops unknown or non-image ones', () => {
    const { html } = sanitiseMailHtml('<img src="cid:logo@shop" alt="a"><img src="cid:missing@shop" alt="b"><img src="cid:script@shop" alt="c">', {
      images: false,
      inline: [
        { cid: '<logo@shop>', contentType: 'image/png', content: PNG },
        { cid: 'script@shop', contentType: 'image/svg+xml', content: Buffer.from('<svg onload="alert(1)"/>') },
      ],
    });
    expect(html).toContain(`<img alt="a" src="data:image/png;base64,${PNG.toString('base64')}" />`);
    expect(html).toContain('<img alt="b" />');
    expect(html).toContain('<img alt="c" />');
    expect(html).not.toContain('svg');
  });

  it('opens links outside the frame without a referrer, and drops other schemes', () => {
    const { html } = sanitiseMailHtml('<a href="https://shop.example/order">order</a><a href="mailto:a@b.example">mail</a><a href="vbscript:msgbox(1)">vb</a><a href="//evil.example/">proto</a>', { images: false, inline: [] });
    expect(html).toContain('<a href="https://shop.example/order" target="_blank" rel="noopener noreferrer">order</a>');
    expect(html).toContain('<a href="mailto:a@b.example" target="_blank" rel="noopener noreferrer">mail</a>');
    expect(html).toContain('<a target="_blank" rel="noopener noreferrer">vb</a>');
    expect(html).toContain('<a target="_blank" rel="noopener noreferrer">proto</a>');
  });
});
