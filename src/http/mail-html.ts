import sanitizeHtml from 'sanitize-html';

export interface InlineImage {
  /** Content-ID without angle brackets (RFC 2392 cid: URL). */
  cid: string;
  contentType: string;
  content: Buffer;
}

export interface SanitisedMail {
  /** A whole HTML document, safe to serve into a sandboxed frame. */
  html: string;
  /** Remote images left out because the agent has not asked for them. */
  blockedImages: number;
}

// Inline images are embedded as data: URLs, so the frame needs no session cookie (a
// sandboxed, opaque-origin frame does not send a SameSite=Strict one). Past this total the
// rest stay out: a mail should not turn into a 100 MB page.
const MAX_INLINE_BYTES = 10 * 1024 * 1024;
const IMAGE_TYPES = /^image\/(png|jpe?g|gif|webp|bmp)$/i;

// CSS that can run code or load things in some engine: IE expressions and behaviours,
// Mozilla XBL bindings, javascript: URLs, @import. Modern Chromium runs none of them and the
// frame's CSP blocks loads anyway; dropping them keeps the stored intent obvious.
const DANGEROUS_CSS = /expression\s*\(|javascript\s*:|vbscript\s*:|behavior\s*:|-moz-binding|@import/gi;

const LAYOUT_ATTRIBUTES = ['style', 'class', 'align', 'valign', 'width', 'height', 'bgcolor', 'color', 'border', 'cellpadding', 'cellspacing', 'dir', 'lang', 'title'];

const FRAME_STYLE = 'body{margin:0;padding:8px;font:15px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fff;overflow-wrap:anywhere}img{max-width:100%;height:auto}';

/**
 * Cleans a mail's HTML with an allow-list (sanitize-html): no script, no event handler, no
 * form, frame, object or meta refresh, links only to http(s)/mailto/tel. This is the first
 * wall; the second is the frame it is shown in (sandbox without scripts, CSP default-src
 * 'none'), so that a sanitiser bug alone still runs nothing.
 */
export function sanitiseMailHtml(dirty: string, opts: { images: boolean; inline: InlineImage[] }): SanitisedMail {
  let blockedImages = 0;
  let inlineBytes = 0;
  const byCid = new Map(opts.inline.map((i) => [i.cid.replace(/^<|>$/g, '').toLowerCase(), i]));

  const imageSource = (src: string): string | null => {
    if (/^cid:/i.test(src)) {
      const image = byCid.get(decodeURIComponent(src.slice(4)).replace(/^<|>$/g, '').toLowerCase());
      if (!image || !IMAGE_TYPES.test(image.contentType)) return null;
      inlineBytes += image.content.length;
      if (inlineBytes > MAX_INLINE_BYTES) return null;
      return `data:${image.contentType.toLowerCase()};base64,${image.content.toString('base64')}`;
    }
    if (/^https?:\/\//i.test(src)) {
      if (opts.images) return src;
      blockedImages++;
      return null;
    }
    // Only raster images as data: (an SVG can carry script; a browser will not run it in an
    // <img>, but there is no reason to let it through).
    if (/^data:image\/(png|jpe?g|gif|webp|bmp);/i.test(src)) return src;
    return null;
  };

  const clean = sanitizeHtml(dirty, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'style', 'font', 'center', 'u', 's', 'strike', 'small', 'big', 'col', 'colgroup'],
    // <style> is allowed on purpose: mail layouts depend on it. What CSS could still do
    // (load a remote image, font or sheet) the frame's CSP forbids; what it can read is
    // only the sender's own mail.
    allowVulnerableTags: true,
    disallowedTagsMode: 'discard',
    allowedAttributes: {
      '*': LAYOUT_ATTRIBUTES,
      a: ['href', 'name', 'target', 'rel'],
      img: ['src', 'alt', 'width', 'height'],
      font: ['face', 'size', 'color'],
      td: ['colspan', 'rowspan', 'nowrap'],
      th: ['colspan', 'rowspan', 'nowrap', 'scope'],
      col: ['span'],
      colgroup: ['span'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https', 'data', 'cid'] },
    allowProtocolRelative: false,
    transformTags: {
      // Links open outside the frame, and tell the destination nothing about us.
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer' } }),
      img: (tagName, attribs) => {
        const src = attribs.src ? imageSource(attribs.src.trim()) : null;
        const { src: _dropped, ...rest } = attribs;
        return { tagName, attribs: src ? { ...rest, src } : rest };
      },
    },
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src && !frame.attribs.alt,
  });
  const withSafeStyles = clean
    .replace(/(<style[^>]*>)([\s\S]*?)(<\/style>)/gi, (_m, open: string, css: string, close: string) => open + css.replace(DANGEROUS_CSS, '/*removed*/') + close)
    .replace(/\sstyle="([^"]*)"/g, (_m, css: string) => ` style="${css.replace(DANGEROUS_CSS, '/*removed*/')}"`);

  const html = `<!doctype html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta name="viewport" content="width=device-width"><style>${FRAME_STYLE}</style></head><body>${withSafeStyles}</body></html>`;
  return { html, blockedImages };
}

/** The CSP served with a sanitised mail: nothing may run or load but inline images and styles. */
export function mailFrameCsp(images: boolean): string {
  return [
    "default-src 'none'",
    `img-src data:${images ? ' https: http:' : ''}`,
    "style-src 'unsafe-inline'",
    "frame-ancestors 'self'",
    "form-action 'none'",
    "base-uri 'none'",
    // Scripts never; links may open a new, unsandboxed tab (the sender's site, like any link).
    'sandbox allow-popups allow-popups-to-escape-sandbox',
  ].join('; ');
}
