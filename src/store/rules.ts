import type { Batch, Db } from './db.js';
import type { Rule } from '../desk/rules.js';

// Rules: tens per desk, read whole and sorted by position.

export async function listRules(db: Db): Promise<Rule[]> {
  // The rule runner reads them for every new ticket and message: kept in memory until a rule is written.
  return db.cached(db.sub.rule, null, async () => (await db.values<Rule>(db.sub.rule)).sort((a, b) => a.position - b.position));
}

export function getRule(db: Db, id: string): Promise<Rule | undefined> {
  return db.get<Rule>(db.sub.rule, id);
}

export function putRule(db: Db, batch: Batch, r: Rule): void {
  batch.put(db.sub.rule, r.id, r);
}

export function delRule(db: Db, batch: Batch, id: string): void {
  batch.del(db.sub.rule, id);
}
