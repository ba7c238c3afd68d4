import type { Batch, Db } from './db.js';
import { firstResponseAt, policyFor, slaState, type SlaPolicy, type SlaState } from '../desk/sla.js';
import type { FullTicket, Message } from '../desk/types.js';
import { messagesOf } from './tickets.js';

// SLA policies: a handful per desk, read whole.

export function listSlaPolicies(db: Db): Promise<SlaPolicy[]> {
  return db.values<SlaPolicy>(db.sub.slapol);
}

export function getSlaPolicy(db: Db, id: string): Promise<SlaPolicy | undefined> {
  return db.get<SlaPolicy>(db.sub.slapol, id);
}

export function putSlaPolicy(db: Db, batch: Batch, p: SlaPolicy): void {
  batch.put(db.sub.slapol, p.id, p);
}

export function delSlaPolicy(db: Db, batch: Batch, id: string): void {
  batch.del(db.sub.slapol, id);
}

/** Where a ticket stands against its department's policy; null when no policy or target covers it. */
export async function slaStateOf(db: Db, ticket: FullTicket, now: number, messages?: Message[]): Promise<SlaState | null> {
  const policy = policyFor(await listSlaPolicies(db), ticket.departmentId);
  if (!policy) return null;
  return slaState(policy, ticket, firstResponseAt(messages ?? (await messagesOf(db, ticket.number))), now);
}
