import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { VerdictSummary } from '../desk/types.js';

// What an operator graphs and alerts on, in Prometheus text format (GET /metrics).
// One registry per app, not prom-client's global one: tests run several apps in one process.
// The instrumented code calls the typed functions below and knows nothing of prom-client.

/** Where an SMTP refusal happened: the connection (limits), a RCPT, or after DATA. */
export type SmtpStage = 'connect' | 'rcpt' | 'data';
export type SendOutcome = 'sent' | 'retrying' | 'failed';

/** Seconds; from "250 queued" to the ticket written: mostly the group commit and parse. */
const INGEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds; API answers are milliseconds, a backup download can take minutes. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60];
/** Accepted messages whose ticketing is still awaited; bounded so a stuck ingest cannot grow it. */
const MAX_IN_FLIGHT = 10_000;

export interface MetricsSources {
  /** SMTP sessions open right now. */
  openConnections(): number;
  /** Outbound mails not yet sent or failed. */
  queueDepth(): Promise<number>;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly acceptedAt = new Map<string, bigint>();
  private readonly connections: Counter;
  private readonly answered: Counter<'code' | 'stage'>;
  private readonly verdicts: Counter<'check' | 'result'>;
  private readonly ingestSeconds: Histogram;
  private readonly ticketed: Counter<'outcome'>;
  private readonly sends: Counter<'outcome'>;
  private readonly httpSeconds: Histogram<'method' | 'route' | 'status'>;

  private sources: MetricsSources = { openConnections: () => 0, queueDepth: async () => 0 };

  constructor() {
    const registers = [this.registry];
    const sources = () => this.sources;
    new Gauge({ name: 'mxdesk_smtp_connections_open', help: 'SMTP sessions open now.', registers, collect() {
      this.set(sources().openConnections());
    } });
    this.connections = new Counter({ name: 'mxdesk_smtp_connections_total', help: 'SMTP connections taken since start.', registers });
    this.answered = new Counter({ name: 'mxdesk_smtp_messages_total', help: 'Mail transactions by final reply code: 250 accepted, 4xx/5xx refused (stage: connect, rcpt, data).', labelNames: ['code', 'stage'], registers });
    this.verdicts = new Counter({ name: 'mxdesk_verdicts_total', help: 'SPF, DKIM and DMARC results of accepted mail.', labelNames: ['check', 'result'], registers });
    this.ingestSeconds = new Histogram({ name: 'mxdesk_ingest_latency_seconds', help: 'From 250 to the message written into its ticket.', buckets: INGEST_BUCKETS, registers });
    this.ticketed = new Counter({ name: 'mxdesk_ingest_messages_total', help: 'Messages ticketed, by outcome (new, joined, duplicate, bounce, system).', labelNames: ['outcome'], registers });
    new Gauge({ name: 'mxdesk_outbound_queue_depth', help: 'Outbound mails queued, sending or waiting to retry.', registers, async collect() {
      this.set(await sources().queueDepth());
    } });
    this.sends = new Counter({ name: 'mxdesk_outbound_attempts_total', help: 'Send attempts through the relays, by outcome: sent, retrying (temporary failure), failed (final).', labelNames: ['outcome'], registers });
    this.httpSeconds = new Histogram({ name: 'mxdesk_http_request_duration_seconds', help: 'HTTP answers by route pattern and status.', labelNames: ['method', 'route', 'status'], buckets: HTTP_BUCKETS, registers });
  }

  /** The gauges read these at scrape time; the parts they read start after the counters. */
  watch(sources: MetricsSources): void {
    this.sources = sources;
  }

  smtpConnected(): void {
    this.connections.inc();
  }

  smtpRefused(code: number, stage: SmtpStage): void {
    this.answered.inc({ code: String(code), stage });
  }

  /** A message got 250: count it and its verdicts, and start its ingest clock. */
  smtpAccepted(entryId: string, verdict: VerdictSummary | null): void {
    this.answered.inc({ code: '250', stage: 'data' });
    if (verdict) {
      this.verdicts.inc({ check: 'spf', result: verdict.spf.result });
      // One DKIM result per message: pass when any signature passed, else the first one's.
      const dkim = verdict.dkim.find((d) => d.result === 'pass')?.result ?? verdict.dkim[0]?.result ?? 'none';
      this.verdicts.inc({ check: 'dkim', result: dkim });
      this.verdicts.inc({ check: 'dmarc', result: verdict.dmarc.result });
    }
    if (this.acceptedAt.size < MAX_IN_FLIGHT) this.acceptedAt.set(entryId, process.hrtime.bigint());
  }

  /** Ingest wrote a message; replayed ones (accepted before a restart) have no clock. */
  ticketedMessage(entryId: string, outcome: string): void {
    this.ticketed.inc({ outcome });
    const started = this.acceptedAt.get(entryId);
    if (started === undefined) return;
    this.acceptedAt.delete(entryId);
    this.ingestSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
  }

  sendAttempted(outcome: SendOutcome): void {
    this.sends.inc({ outcome });
  }

  /** route is the pattern (/api/v1/tickets/:number), never the URL: bounded label values. */
  httpAnswered(method: string, route: string, status: number, seconds: number): void {
    this.httpSeconds.observe({ method, route, status: String(status) }, seconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
