import { baseUrl, json, type TestApp } from '../helpers/app.js';

// Steps the help-centre tests share: switching a department's page on, reading the form's
// signed token off the page, and posting the form as a browser would (multipart).

export async function defaultDepartment(app: TestApp): Promise<{ id: string; name: string }> {
  const { items } = await json(app.api('/api/v1/departments'));
  return items[0];
}

/** Turns the help centre on for the default department at /help/<slug>. */
export async function openHelpCentre(app: TestApp, slug = 'support'): Promise<string> {
  const dept = await defaultDepartment(app);
  const patched = await app.api('/api/v1/help-centre', { method: 'PATCH', json: { publicUrl: baseUrl(app) } });
  if (patched.status !== 200) throw new Error(`help centre settings: ${patched.status} ${await patched.text()}`);
  const res = await app.api(`/api/v1/help-centre/pages/${dept.id}`, { method: 'PUT', json: { enabled: true, slug, title: 'Acme Support', intro: 'Tell us what went wrong.\n\nWe answer within a day.' } });
  if (res.status !== 200) throw new Error(`help centre page: ${res.status} ${await res.text()}`);
  return dept.id;
}

/** The form page and the signed token in its hidden field. */
export async function formPage(app: TestApp, slug = 'support'): Promise<{ res: Response; html: string; token: string }> {
  const res = await fetch(`${baseUrl(app)}/help/${slug}`);
  const html = await res.text();
  const token = /name="form" value="([^"]+)"/.exec(html)?.[1] ?? '';
  return { res, html, token };
}

export interface FormInput {
  name?: string;
  email?: string;
  subject?: string;
  description?: string;
  extra?: Record<string, string>;
  files?: Array<{ name: string; type: string; content: string | Buffer }>;
  /** Leave out to use a fresh token from the page. */
  token?: string;
}

/** Posts the form (multipart, as the page's form does) without following the redirect. */
export async function submitForm(app: TestApp, input: FormInput = {}, slug = 'support'): Promise<Response> {
  const token = input.token ?? (await formPage(app, slug)).token;
  const form = new FormData();
  form.set('form', token);
  form.set('name', input.name ?? 'Rosa Customer');
  form.set('email', input.email ?? 'rosa@customer.test');
  form.set('subject', input.subject ?? 'Printer on fire');
  form.set('description', input.description ?? 'It smokes when I print.\nWhat now?');
  form.set('website', '');
  for (const [k, v] of Object.entries(input.extra ?? {})) form.set(k, v);
  for (const f of input.files ?? []) form.append('attachments', new Blob([typeof f.content === 'string' ? f.content : new Uint8Array(f.content)], { type: f.type }), f.name);
  return fetch(`${baseUrl(app)}/help/${slug}`, { method: 'POST', body: form, redirect: 'manual' });
}
