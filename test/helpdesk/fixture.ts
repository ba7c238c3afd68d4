import { sendMail } from '../helpers/smtp-client.js';
import { ADMIN, baseUrl, json, login, mail, type ApiClient, type TestApp } from '../helpers/app.js';

// Shared steps of the help-desk tests: people with roles, and tickets opened by real mail.

export const PASSWORD = 'a long enough password';

export interface Person {
  id: string;
  email: string;
  api: ApiClient;
}

/** Creates a user through the admin API and logs them in. */
export async function person(app: TestApp, role: 'admin' | 'agent' | 'basic', handle: string, departments: string[]): Promise<Person> {
  const email = `${handle}@staff.test`;
  const res = await app.api('/api/v1/users', { method: 'POST', json: { email, name: handle[0]!.toUpperCase() + handle.slice(1), role, departments, password: PASSWORD } });
  if (res.status !== 201) throw new Error(`creating ${handle}: ${res.status} ${await res.text()}`);
  const { id } = await json(res);
  return { id, email, api: await login(baseUrl(app), email, PASSWORD) };
}

/** Sends a customer mail over SMTP and returns the number of the ticket it opened. */
export async function ticketByMail(app: TestApp, subject: string, from = 'alice@customer.test'): Promise<number> {
  const reply = await sendMail(app.smtpPort, { from, to: ['support@support.test'], message: mail({ from: `Customer <${from}>`, subject }) });
  if (reply.code !== 250) throw new Error(`mail refused: ${reply.code} ${reply.text}`);
  await app.ingestor.idle();
  const { items } = await json(app.api(`/api/v1/tickets?q=${encodeURIComponent(subject.toLowerCase())}`));
  const found = items.find((t: any) => t.subject === subject);
  if (!found) throw new Error(`no ticket for ${subject}`);
  return found.number;
}

export async function departmentId(app: TestApp, name: string): Promise<string> {
  const { items } = await json(app.api('/api/v1/departments'));
  const existing = items.find((d: any) => d.name === name);
  if (existing) return existing.id;
  const res = await app.api('/api/v1/departments', { method: 'POST', json: { name } });
  return (await json(res)).id;
}

/** Asserts the shape every 4xx has, and returns the error. */
export async function apiError(res: Response | Promise<Response>): Promise<{ status: number; code: string; message: string }> {
  const r = await res;
  const body = await json(r);
  if (!body.error || typeof body.error.code !== 'string' || typeof body.error.message !== 'string' || !body.error.message) {
    throw new Error(`not an {error:{code,message}} answer (${r.status}): ${JSON.stringify(body)}`);
  }
  return { status: r.status, ...body.error };
}

export { ADMIN };

/**
 * The three people role tests need: Jane (agent in Support), Bea (basic in Support) and
 * Sally (agent in Sales, who does not see Support's tickets).
 */
export async function supportTeam(app: TestApp): Promise<{ jane: Person; bea: Person; sally: Person }> {
  const support = await departmentId(app, 'Support');
  const jane = await person(app, 'agent', 'jane', [support]);
  const bea = await person(app, 'basic', 'bea', [support]);
  const sally = await person(app, 'agent', 'sally', [await departmentId(app, 'Sales')]);
  return { jane, bea, sally };
}
