import type { Logger } from 'pino';
import { Batch, type Db } from '../store/db.js';
import { newId } from '../store/ids.js';
import { contactByEmail, getContact } from '../store/directory.js';
import { getAccount } from '../store/accounts.js';
import { getTicket, lastMessageOf, putTicket } from '../store/tickets.js';
import { queueAutomaticMail } from './automatic-mail.js';
import { notifyAgents } from './notify-agents.js';
import { putComment, putTimeline } from '../store/activity.js';
import { listRules } from '../store/rules.js';
import { rulesFor, runRules, type RuleContext, type RuleOutcome, type RuleTrigger } from '../desk/rules.js';
import type { Actor } from '../desk/records.js';
import type { FullTicket } from '../desk/types.js';

/** Rules act under this name in the timeline. */
export const RULES_ACTOR: Actor = { id: 'rules', name: 'Rules' };

/** What a rule run looks at: the ticket, the latest inbound message and the requester's contact. */
export async function ruleContext(db: Db, ticket: FullTicket, now: number): Promise<RuleContext> {
  const message = await lastMessageOf(db, ticket.number, 'in');
  const contact = (await getContact(db, ticket.contactId)) ?? (await contactByEmail(db, ticket.requester.email));
  const account = contact?.accountId ? await getAccount(db, contact.accountId) : undefined;
  return { ticket, message, contact, account, now };
}

/**
 * Runs the rules on new tickets and new messages, one ticket at a time, each in a serial
 * section: the changes, their timeline lines, the comments and the template mails (into the
 * durable outbound queue) in one batch.
 */
export class RuleRunner {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: { db: Db; log: Logger; secret: Buffer; now: () => number; wakeOutbound: () => void }) {}

  run(ticketNumber: number, trigger: RuleTrigger): Promise<RuleOutcome | null> {
    const run = this.chain.then(() => this.apply(ticketNumber, trigger));
    this.chain = run.catch((err) => this.deps.log.error({ err, ticket: ticketNumber }, 'rules: run failed'));
    return run;
  }

  /** Resolves when every run asked for so far is done (tests wait on it). */
  async idle(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.chain;
      await seen;
    } while (seen !== this.chain);
  }

  private async apply(number: number, trigger: RuleTrigger): Promise<RuleOutcome | null> {
    const { db } = this.deps;
    const rules = await listRules(db);
    if (!rulesFor(rules, trigger)) return null;
    let notices = 0;
    const outcome = await db.serial(async () => {
      const current = await getTicket(db, number);
      if (!current || current.deletedAt !== null) return null;
      const now = this.deps.now();
      const result = runRules(rules, trigger, await ruleContext(db, current, now));
      if (result.matched.length === 0) return result;
      const batch = new Batch();
      const note = `Rule: ${result.matched.map((m) => m.name).join(', ')}`;
      for (const c of result.changes) putTimeline(db, batch, { id: newId(now), ticketNumber: number, at: now, by: RULES_ACTOR, what: c.what, from: c.from, to: c.to, note });
      for (const text of result.comments) {
        putComment(db, batch, { id: newId(now), ticketNumber: number, author: RULES_ACTOR, text, mentions: [], createdAt: now });
        putTimeline(db, batch, { id: newId(now), ticketNumber: number, at: now, by: RULES_ACTOR, what: 'comment', note: text.slice(0, 200) });
      }
      let ticket = result.ticket;
      for (const m of result.mails) ticket = await queueAutomaticMail(db, batch, this.deps.secret, ticket, m, now);
      // A rule that assigns tells the new assignee, as a person assigning would.
      if (ticket.assigneeId && ticket.assigneeId !== current.assigneeId) {
        notices = await notifyAgents(db, batch, { event: 'assigned', ticket, by: RULES_ACTOR, text: `${note} assigned #${number} to you: ${ticket.subject}`, to: [ticket.assigneeId], now });
      }
      putTicket(db, batch, ticket, current);
      await db.commit(batch);
      return result;
    });
    if (outcome?.mails.length || notices) this.deps.wakeOutbound();
    if (outcome?.matched.length) this.deps.log.info({ ticket: number, trigger, rules: outcome.matched.map((m) => m.id) }, 'rules: applied');
    return outcome;
  }
}
