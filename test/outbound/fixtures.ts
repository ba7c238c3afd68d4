import { listDepartments } from '../../src/store/directory.js';
import { simpleParser, type ParsedMail } from 'mailparser';
import { Batch } from '../../src/store/db.js';
import { newId } from '../../src/store/ids.js';
import { putUser } from '../../src/store/directory.js';
import { hashPassword } from '../../src/auth/password.js';
import type { Role } from '../../src/desk/types.js';
import { json, login, mail, startTestApp, type ApiClient, type TestApp } from '../helpers/app.js';
import { sendMail } from '../helpers/smtp-client.js';
import { startRelay, type Relay } from './relays.js';

// Steps the outbound tests share: a From address on a relay, a customer mail that opens a
// ticket, a user of a given role.

export async function addFromAddress(app: TestApp, relay: Relay, overrides: Record<string, unknown> = {}, relayOverrides: Record<string, unknown> = {}) {
  const res = await app.api('/api/v1/from-addresses', {
    method: 'POST',
    json: { address: 'support@support.test', name: 'Support Team', isDefault: true, ...overrides, relay: { host: '127.0.0.1', port: relay.port, security: 'plain', ...relayOverrides } },
  });
  const body = await json(res);
  if (res.status !== 201) throw new Error(`from address not created: ${res.status} ${JSON.stringify(body)}`);
  return body as { id: string; address: string };
}

/** A customer writes to the MX; returns the new ticket's number and the mail's Message-ID. */
export async function customerWrites(app: TestApp, opts: { subject?: string; cc?: string; messageId?: string; to?: string } = {}) {
  const messageId = opts.messageId ?? `<${newId()}@example.com>`;
  const headers: Record<string, string> = opts.cc ? { Cc: opts.cc } : {};
  const reply = await sendMail(app.smtpPort, {
    from: 'alice@example.com',
    to: [opts.to ?? 'support@support.test'],
    message: mail({ subject: opts.subject ?? 'Help with my order', messageId, headers, to: opts.to }),
  });
  if (reply.code !== 250) throw new Error(`MX refused: ${reply.raw}`);
  await app.ingestor.idle();
  const list = await json(app.api('/api/v1/tickets'));
  return { number: list.items[0].number as number, messageId };
}

export async function ticket(app: TestApp, number: number) {
  return json(app.api(`/api/v1/tickets/${number}`));
}

export async function userWithRole(app: TestApp, role: Role, email = `${role}@support.test`): Promise<ApiClient> {
  const password = `pw-${role}-${newId()}`;
  const batch = new Batch();
  // A member of every department, so that what it may not do is the role's doing, not visibility.
  const departments = (await listDepartments(app.db)).map((d) => d.id);
  putUser(app.db, batch, { id: newId(), email, name: `${role[0]!.toUpperCase()}${role.slice(1)} Person`, role, departments, active: true, passwordHash: await hashPassword(password), createdAt: Date.now() });
  await app.db.commit(batch, true);
  return login(`http://127.0.0.1:${app.httpPort}`, email, password);
}

export function parse(raw: string): Promise<ParsedMail> {
  return simpleParser(raw);
}

export const header = (m: ParsedMail, name: string) => m.headers.get(name.toLowerCase());

/** An app whose default support address sends through a fresh plain relay. */
export async function appWithPlainRelay(env: Record<string, string> = {}): Promise<{ app: TestApp; relay: Relay }> {
  const relay = await startRelay('plain');
  const app = await startTestApp({ env });
  await addFromAddress(app, relay);
  return { app, relay };
}

export async function closeAll(app: TestApp | undefined, ...relays: Array<Relay | undefined>): Promise<void> {
  await app?.close();
  await Promise.all(relays.map((r) => r?.close()));
}
