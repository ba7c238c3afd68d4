#!/usr/bin/env node
// Prints what the panel's first load costs: the JS files index.html loads (its module scripts
// and modulepreloads), gzipped (level 9, as a server would send it). Chunks loaded on demand
// (the admin screens) are listed apart and do not count. The budget of issue 6 is 80 KB of
// first-load JS; past it this exits with 1.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';

const BUDGET_BYTES = 80 * 1024;
const dist = path.resolve(import.meta.dirname, '../web/dist');
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const firstLoad = new Set([...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]));
let total = 0;
for (const name of readdirSync(path.join(dist, 'assets')).filter((n) => n.endsWith('.js')).sort()) {
  const raw = readFileSync(path.join(dist, 'assets', name));
  const gz = gzipSync(raw, { level: 9 }).length;
  const first = firstLoad.has(name);
  if (first) total += gz;
  console.log(`${name}: ${(raw.length / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzip${first ? '' : ' (on demand)'}`);
}
console.log(`panel JS, first load: ${(total / 1024).toFixed(1)} KB gzip (budget ${BUDGET_BYTES / 1024} KB)`);
if (total > BUDGET_BYTES) process.exit(1);
