import { describe, expect, it } from 'vitest';
import { BUILT_IN, chooseLanguage, LANGUAGES, PLACEHOLDERS, renderTemplate, TEMPLATE_KINDS, templateProblems, withToken } from '../../src/desk/templates.js';

// The pure renderer: what it accepts at save time and what it makes of values.

describe('template renderer', () => {
  it('accepts every built-in template, in both languages', () => {
    for (const kind of TEMPLATE_KINDS) for (const lang of LANGUAGES) expect(templateProblems(kind, lang, BUILT_IN[kind][lang])).toEqual([]);
  });

  it('names unknown placeholders, unbalanced braces and line breaks in a subject', () => {
    expect(templateProblems('closing', 'es', { subject: '{{ ticket.number }} {{ticket.numero}}', text: '{{closing.days}}' })).toEqual([
      expect.stringContaining('Unknown placeholder {{ticket.numero}} in the subject of the closing template (es)'),
    ]);
    expect(templateProblems('acknowledgement', 'en', { subject: 'x', text: '{{closing.days}}' })[0]).toContain('{{closing.days}}');
    expect(templateProblems('rating', 'en', { subject: 'x', text: 'Rate: {{rating.link}' })[0]).toMatch(/^Unbalanced/);
    expect(templateProblems('rating', 'en', { subject: 'a\nb', text: 'x' })[0]).toContain('line break');
    expect(PLACEHOLDERS.agentNotification).toContain('ticket.link');
  });

  it('fills values as plain text and keeps a subject on one line', () => {
    const out = renderTemplate({ subject: '{{ticket.subject}} for {{customer.name}}', text: 'Dear {{customer.name}},\n{{ticket.subject}} {{agent.name}}' }, {
      'ticket.subject': 'Hi\r\nBcc: x@evil.test',
      'customer.name': '<b>Ana</b>\u0007',
    });
    expect(out.subject).toBe('Hi Bcc: x@evil.test for <b>Ana</b>');
    expect(out.text).toBe('Dear <b>Ana</b>,\nHi\nBcc: x@evil.test ');
    // A placeholder is only replaced where the template has it: values are not templates.
    expect(renderTemplate({ subject: '{{ticket.subject}}', text: '' }, { 'ticket.subject': '{{customer.email}}', 'customer.email': 'leak' }).subject).toBe('{{customer.email}}');
  });

  it('chooses the contact language when it is one we write, else the department one', () => {
    expect(chooseLanguage('en', 'es-MX')).toBe('es');
    expect(chooseLanguage('es', 'EN')).toBe('en');
    expect(chooseLanguage('es', 'fr')).toBe('es');
    expect(chooseLanguage('en', undefined)).toBe('en');
    expect(withToken('Cerrado', '[#7]')).toBe('[#7] Cerrado');
    expect(withToken('Re [#7] x', '[#7]')).toBe('Re [#7] x');
  });
});
