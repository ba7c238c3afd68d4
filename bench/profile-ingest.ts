// Ingest under load, for a CPU profile of the whole path (SMTP accept, spool, ticketing):
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-ingest.ts [messages=3000] [sessions=50] [bytes=2048]
// Prints accept and ticketing rates. The client runs in the same process: its frames are
// in test/helpers/smtp-client.ts and can be told apart in the profile.
import { rmSync } from 'node:fs';
import { SmtpClient, dotStuff } from '../test/helpers/smtp-client.js';
import { startApp } from '../src/app/app.js';
import { testConfig, tempDir, DEFAULT_DNS } from '../test/helpers/app.js';
import { fixedResolver } from '../src/verdict/resolver.js';
import { createLogger } from '../src/log.js';

const [total = 3000, sessions = 50, bytes = 2048] = process.argv.slice(2).map(Number);
const line = 'The quick brown fox jumps over the lazy dog, again and again and again.\r\n';
const message = (i: number) => {
  const head = `From: Bench <bench${i % 50}@example.com>\r\nTo: support@support.test\r\nSubject: bench ${i}\r\nMessage-ID: <prof-${i}-${Date.now()}@example.com>\r\nDate: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n`;
  return Buffer.from(head + line.repeat(Math.max(1, Math.ceil((bytes - head.length) / line.length))));
};

const dataDir = tempDir('mxdesk-prof-');
const app = await startApp(testConfig({ MXDESK_SMTP_MAX_CONNECTIONS_PER_IP: '1000' }, dataDir), { resolver: fixedResolver(DEFAULT_DNS), log: createLogger('silent') });
let ticketed = 0;
// 250 → ticketed, by spool id (the reply says "queued as <id>"), as npm run bench measures it.
const okAt = new Map<string, number>();
const ticketedAt = new Map<string, number>();
app.ingestor.onTicketed((t) => {
  ticketed++;
  ticketedAt.set(t.entryId, performance.now());
});
const t0 = performance.now();
let next = 0;
await Promise.all(Array.from({ length: sessions }, async () => {
  const { client } = await SmtpClient.connect(app.smtpPort);
  await client.send('EHLO prof.example.com');
  while (next < total) {
    const i = next++;
    await client.send('MAIL FROM:<bench@example.com>');
    await client.send('RCPT TO:<support@support.test>');
    await client.send('DATA');
    client.write(Buffer.concat([dotStuff(message(i)), Buffer.from('.\r\n')]));
    const r = await client.read();
    if (r.code !== 250) throw new Error(r.raw);
    const id = /queued as (\S+)/.exec(r.text)?.[1];
    if (id) okAt.set(id, performance.now());
  }
  await client.quit();
}));
const accepted = performance.now();
await app.ingestor.idle();
const done = performance.now();
// Ticketed before its 250 went out (the MX holds the 250 while the backlog is full): 0 ms.
const visible = [...okAt].map(([id, at]) => Math.max(0, (ticketedAt.get(id) ?? NaN) - at)).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
const pct = (p: number) => (visible[Math.min(visible.length - 1, Math.floor((p / 100) * visible.length))] ?? NaN).toFixed(0);
console.log(`accepted ${total} in ${((accepted - t0) / 1000).toFixed(2)} s (${(total / ((accepted - t0) / 1000)).toFixed(0)} msg/s); all ticketed after ${((done - t0) / 1000).toFixed(2)} s (${(total / ((done - t0) / 1000)).toFixed(0)} msg/s); ticketed ${ticketed}; 250→ticket p50 ${pct(50)} p99 ${pct(99)} ms`);
await app.stop();
rmSync(dataDir, { recursive: true, force: true });
