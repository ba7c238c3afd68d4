#!/usr/bin/env node
// Prints what the panel's first load costs: every JS file of web/dist/assets, gzipped (level 9,
// as a server would send it). The budget of issue 6 is 80 KB; past it this exits with 1.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';

const BUDGET_BYTES = 80 * 1024;
const dir = path.resolve(import.meta.dirname, '../web/dist/assets');
let total = 0;
for (const name of readdirSync(dir).filter((n) => n.endsWith('.js')).sort()) {
  const raw = readFileSync(path.join(dir, name));
  const gz = gzipSync(raw, { level: 9 }).length;
  total += gz;
  console.log(`${name}: ${(raw.length / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzip`);
}
console.log(`panel JS, first load: ${(total / 1024).toFixed(1)} KB gzip (budget ${BUDGET_BYTES / 1024} KB)`);
if (total > BUDGET_BYTES) process.exit(1);
