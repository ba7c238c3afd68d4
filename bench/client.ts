// The benchmark's SMTP client: the messages it sends and the sessions that send them.
// It runs in a worker thread (bench/client-worker.ts), so that on a machine of two cores the
// client's own work (building messages, its socket writes, reading replies) is not charged
// to the main thread of the server under test, as it would not be when mail comes from other
// machines. The bare server and mxdesk are driven by the same client the same way.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SmtpClient, dotStuff } from '../test/helpers/smtp-client.js';

/** What to send: synthetic text mails of a size, or the corpus in turn. */
export type Body = { kind: 'text'; bytes: number } | { kind: 'corpus' };

export interface DriveOptions {
  port: number;
  sessions: number;
  reuse: boolean;
  total: number;
  body: Body;
}

export interface Driven {
  seconds: number;
  /** End of DATA → 250, ms, sorted. */
  latencies: number[];
  /** Spool id (from "queued as <id>") → when its 250 arrived (Date.now()). */
  okAt: Array<[string, number]>;
}

const LINE = 'The quick brown fox jumps over the lazy dog, again and again and again.\r\n';

export function textMessage(i: number, bytes: number): Buffer {
  const head = `From: Bench <bench${i % 50}@example.com>\r\nTo: support@support.test\r\nSubject: bench ${i}\r\nMessage-ID: <bench-${i}-${Date.now()}@example.com>\r\nDate: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n`;
  return Buffer.from(head + LINE.repeat(Math.max(1, Math.ceil((bytes - head.length) / LINE.length))));
}

/** The .eml files of ../shared/corpus, or none when this clone has no ../shared. */
export function corpusMessages(): Buffer[] {
  const root = path.resolve(import.meta.dirname, '../../shared/corpus');
  const out: Buffer[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.eml')) out.push(readFileSync(p));
    }
  };
  try {
    walk(root);
  } catch {
    return [];
  }
  return out;
}

function bodies(body: Body): (i: number) => Buffer {
  if (body.kind === 'text') return (i) => textMessage(i, body.bytes);
  const corpus = corpusMessages();
  // A fresh header per send, so that the MX does not drop repeats as duplicates.
  return (i) => Buffer.concat([Buffer.from(`X-Bench: ${i}\r\n`), corpus[i % corpus.length]!]);
}

/** `sessions` clients send `total` messages between them, each waiting for its 250. */
export async function drive(opts: DriveOptions): Promise<Driven> {
  const body = bodies(opts.body);
  const latencies: number[] = [];
  const okAt: Array<[string, number]> = [];
  let next = 0;
  const started = performance.now();
  const session = async () => {
    let client: SmtpClient | null = null;
    while (next < opts.total) {
      const i = next++;
      if (!client) {
        client = (await SmtpClient.connect(opts.port)).client;
        await client.send('EHLO bench.example.com');
      }
      await client.send('MAIL FROM:<bench@example.com>');
      await client.send('RCPT TO:<support@support.test>');
      const go = await client.send('DATA');
      if (go.code !== 354) throw new Error(`DATA refused: ${go.raw}`);
      const data = dotStuff(body(i));
      client.write(Buffer.concat([data, Buffer.from(data[data.length - 1] === 10 ? '.\r\n' : '\r\n.\r\n')]));
      // End of DATA → 250: the time the server takes to make the message durable.
      const t0 = performance.now();
      const r = await client.read();
      const t1 = performance.now();
      if (r.code !== 250) throw new Error(`message ${i}: ${r.code} ${r.raw}`);
      latencies.push(t1 - t0);
      const id = /queued as (\S+)/.exec(r.text)?.[1];
      if (id) okAt.push([id, Date.now()]);
      if (!opts.reuse) {
        await client.quit();
        client = null;
      }
    }
    if (client) await client.quit();
  };
  await Promise.all(Array.from({ length: opts.sessions }, session));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { seconds, latencies, okAt };
}
