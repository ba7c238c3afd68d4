import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { SMTPServer } from 'smtp-server';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/load.js';
import { loadSecret } from '../config/secret.js';
import { Db } from '../store/db.js';
import { loadTls } from '../smtp/tls.js';
import { createMx, type Routing } from '../smtp/server.js';
import { createResolver, type DnsResolver } from '../verdict/resolver.js';
import { Ingestor } from '../ingest/ingest.js';
import { buildHttp } from '../http/server.js';
import { LiveHub } from '../http/live.js';
import { createLogger } from '../log.js';
import { OutboundWorker } from '../outbound/worker.js';
import { WebhookDeliverer } from '../webhooks/deliverer.js';
import { dkimSigner } from '../outbound/dkim.js';
import { noticeFailedDelivery } from '../outbound/failure-notice.js';
import { firstStart, type FirstStart } from './first-start.js';
import { loadRouting } from './routing.js';
import { reindexTickets } from '../store/tickets.js';
import { SearchRebuild } from './search-rebuild.js';
import { startJobs, type Jobs } from '../jobs/scheduler.js';
import type { ThrottleLimits } from '../http/throttle.js';
import { Metrics } from '../metrics/metrics.js';
import { pendingOutbound } from '../store/outbound.js';
import { RuleRunner } from '../automation/run-rules.js';
import { noticeOfMail } from '../automation/notify-agents.js';

export interface AppOptions {
  /** Tests and benchmarks inject fixed DNS answers; otherwise the configured resolvers. */
  resolver?: DnsResolver;
  log?: Logger;
  now?: () => number;
  /** Login throttling; the defaults suit production. */
  loginLimits?: ThrottleLimits;
  /** A search-index rebuild needed at start waits for this (tests); by default it starts at once. */
  searchRebuildAfter?: Promise<unknown>;
}

export interface App {
  config: Config;
  db: Db;
  log: Logger;
  ingestor: Ingestor;
  outbound: OutboundWorker;
  smtp: SMTPServer;
  http: FastifyInstance;
  /** Publish here when a ticket changes (outbound, jobs): open panels refresh. */
  live: LiveHub;
  /** Signed POSTs of desk events to the admins' webhooks. */
  webhooks: WebhookDeliverer;
  firstStart: FirstStart;
  jobs: Jobs;
  metrics: Metrics;
  /** Runs the admin's rules on new tickets, new messages and field changes. */
  rules: RuleRunner;
  /** The full-text index rebuild after an upgrade; `ready` resolves when search is complete. */
  searchIndex: SearchRebuild;
  smtpPort: number;
  httpPort: number;
  /** Re-reads support addresses and domains after they change. */
  reloadRouting(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Wires the parts together and starts them: the store, the spool replay, the MX and the
 * HTTP API. The only place that knows every part.
 */
export async function startApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const log = opts.log ?? createLogger(config.log.level);
  const db = new Db(config.dataDir);
  await db.open();
  const first = await firstStart(db, config);
  const reindexed = await reindexTickets(db);
  if (reindexed) log.info({ tickets: reindexed }, 'store: rebuilt the ticket list indexes');
  // When the search index must be rebuilt, that happens after the desk is up (see search-rebuild.ts).
  const searchIndex = await SearchRebuild.prepare(db, log);
  const secret = loadSecret(config.dataDir, config.secretKey);
  let routing: Routing = await loadRouting(db);
  const tls = await loadTls({ cert: config.tls.cert, key: config.tls.key, dataDir: config.dataDir, hostname: config.hostname });
  const resolver = opts.resolver ?? createResolver(config.dns.servers, config.dns.timeoutMs);

  const ingestor = new Ingestor({ db, log: log.child({ part: 'ingest' }), secret, routing: () => routing, now: opts.now });
  // Ticket changes for open panels and webhooks; listened to before anything can change a ticket.
  const live = new LiveHub();
  const outboundConfig = { ...config.outbound, hostname: config.hostname };
  const metrics = new Metrics();
  ingestor.onTicketed((t) => metrics.ticketedMessage(t.entryId, t.outcome));
  const outbound = new OutboundWorker({ onAttempt: (outcome) => metrics.sendAttempted(outcome), db, log: log.child({ part: 'outbound' }), secret, config: outboundConfig, now: opts.now, sign: dkimSigner(db, secret),
    // A reply's delivery state shows on its ticket page: retrying, failed (sent: onSent below);
    // a failure is also told to the agent who wrote the mail.
    onOutcome: (item) => {
      // An agent's notification mail is no part of the ticket's conversation.
      if (item.state === 'sent' || item.kind === 'agent-notice') return;
      live.publish({ type: 'ticket', ticketNumber: item.ticketNumber, reason: `delivery-${item.state}` });
      noticeFailedDelivery(db, item, (opts.now ?? Date.now)()).catch((err) => log.error({ err, id: item.id }, 'outbound: could not notify the author of a failed mail'));
    },
  });
  ingestor.onTicketed((t) => {
    if (t.ticketNumber !== null) live.publish({ type: 'ticket', ticketNumber: t.ticketNumber, reason: t.outcome });
  });
  outbound.onSent((item) => item.kind !== 'agent-notice' && live.publish({ type: 'ticket', ticketNumber: item.ticketNumber, reason: 'sent', messageId: item.id }));
  const now = opts.now ?? Date.now;
  const webhooks = new WebhookDeliverer({ db, log: log.child({ part: 'webhooks' }), secret, now });
  live.subscribe((e) => webhooks.onLive(e));
  webhooks.wake();
  // Acknowledgements are queued by ingest in the ticket's batch; send them right away.
  ingestor.onTicketed((t) => t.acknowledged && outbound.wake());
  const rules = new RuleRunner({ db, log: log.child({ part: 'rules' }), secret, now: opts.now ?? Date.now, wakeOutbound: () => outbound.wake() });
  // Agents hear of new tickets and customers' new messages, in the panel and/or by mail,
  // once the rules have sorted the ticket (a rule may move it to another department).
  const notices = new Set<Promise<unknown>>();
  ingestor.onTicketed((t) => {
    if (t.ticketNumber === null || (t.outcome !== 'new' && t.outcome !== 'joined')) return;
    const number = t.ticketNumber;
    const outcome = t.outcome;
    const ruled = rules.run(number, outcome === 'new' ? 'ticket-created' : 'message-received');
    if (t.imported) return void ruled.catch(() => undefined);
    // Told already, with the ticket (no rule could run first): only the mails to send.
    if (t.noticeMails !== undefined) {
      ruled.catch(() => undefined);
      if (t.noticeMails) outbound.wake();
      return;
    }
    const notice: Promise<unknown> = ruled
      .catch(() => undefined)
      .then(() => noticeOfMail(db, number, outcome, now()))
      .then((mails) => mails && outbound.wake())
      .catch((err) => log.error({ err, ticket: number }, 'notifications: could not tell agents of new mail'))
      .finally(() => notices.delete(notice));
    notices.add(notice);
  });
  await outbound.start();
  const replayed = await ingestor.replay();
  if (replayed) log.info({ count: replayed }, 'spool: ticketing messages accepted before the last stop');

  let smtpUp = false;
  let httpUp = false;
  const smtp = createMx({ config, db, tls, resolver, routing: () => routing, log: log.child({ part: 'smtp' }), onConnected: () => metrics.smtpConnected(), onRefused: (code, stage) => metrics.smtpRefused(code, stage), onAccepted: (e) => {
    metrics.smtpAccepted(e.id, e.verdict);
    const room = ingestor.enqueue(e);
    void outbound.noteBounce(e).catch((err) => log.error({ err, id: e.id }, 'outbound: could not read a bounce'));
    // The 250 waits while the ticketing backlog is full (Ingestor.enqueue).
    return room;
  }, now: opts.now });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(config.smtp.port, config.smtp.host, () => {
      smtp.off('error', reject);
      resolve();
    });
  });
  smtpUp = true;
  metrics.watch({ openConnections: () => (smtp as any).connections.size, queueDepth: async () => (await pendingOutbound(db)).length });
  const smtpPort = ((smtp as any).server.address() as AddressInfo).port;

  const reloadRouting = async () => {
    routing = await loadRouting(db);
  };
  const http = buildHttp({ db, log, live, now, loginLimits: opts.loginLimits, helpCentreLimits: { perIp: config.http.helpCentrePostsPerHour, windowMs: 3_600_000 }, outbound: { worker: outbound, secret, config: outboundConfig }, healthy: () => smtpUp && httpUp && db.level.status === 'open', reloadRouting, metrics, ops: { dataDir: config.dataDir, hostname: config.hostname, ingestor, resolver }, rules, searchRebuilding: () => searchIndex.rebuilding() });
  await http.listen({ port: config.http.port, host: config.http.host });
  httpUp = true;
  // The mail libraries load at first use (verdict/authenticate.ts, ingest/parse.ts) so that
  // the desk answers sooner; loaded now, the first mail does not wait for them.
  void Promise.all([import('mailauth'), import('mailparser')]).catch((err) => log.error({ err }, 'could not load the mail libraries'));
  // Tests hold the rebuild back to see the desk while it runs; otherwise it starts now.
  if (opts.searchRebuildAfter) void opts.searchRebuildAfter.then(() => searchIndex.start());
  else searchIndex.start();
  const httpPort = (http.server.address() as AddressInfo).port;
  const jobs = startJobs({ db, log: log.child({ part: 'jobs' }), now, secret, wakeOutbound: () => outbound.wake() });
  log.info({ smtpPort, httpPort, dataDir: config.dataDir, selfSignedTls: tls.selfSigned }, 'mxdesk is up');

  let stopping: Promise<void> | null = null;
  return {
    config,
    db,
    log,
    ingestor,
    outbound,
    smtp,
    http,
    live,
    webhooks,
    firstStart: first,
    jobs,
    metrics,
    rules,
    searchIndex,
    smtpPort,
    httpPort,
    reloadRouting,
    stop() {
      // Stop taking mail, let sessions finish, ticket what was accepted, close the store.
      stopping ??= (async () => {
        smtpUp = false;
        await new Promise<void>((resolve) => smtp.close(() => resolve()));
        await http.close();
        await searchIndex.stop();
        await jobs.stop();
        await ingestor.idle();
        await Promise.all(notices);
        await rules.idle();
        await outbound.stop();
        await webhooks.stop();
        await db.close();
      })();
      return stopping;
    },
  };
}
