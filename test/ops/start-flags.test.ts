import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startArgs } from '../helpers/process.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('the node flags the appliance runs with', () => {
  it('are the same in the Docker image as in npm start (which the benchmark and process tests run)', () => {
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    const cmd = /^CMD\s+(\[.*\])\s*$/m.exec(dockerfile);
    expect(cmd, 'the Dockerfile has an exec-form CMD').not.toBeNull();
    expect(JSON.parse(cmd![1]!)).toEqual(['node', ...startArgs()]);
  });

  it('cap the JS heap, so that garbage is collected before it grows the process past its memory budget', () => {
    const cap = startArgs().find((a) => a.startsWith('--max-old-space-size='));
    expect(cap, 'npm start sets --max-old-space-size').toBeDefined();
    expect(Number(cap!.split('=')[1])).toBeGreaterThanOrEqual(256);
  });
});
