import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../src/config/settings.js';

// The README is the admin's manual: its configuration reference must name every setting a
// start accepts, and the screenshots it shows must be in the repository and small.

const root = path.resolve(import.meta.dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

describe('README', () => {
  it('documents every setting with its key and variable, and the variables outside the file', () => {
    const rows = readme.split('\n').filter((l) => l.startsWith('| `'));
    const missing = SETTINGS.filter((s) => !rows.some((r) => r.includes(`\`${s.key}\``) && r.includes(`\`${s.env}\``))).map((s) => s.env);
    expect(missing).toEqual([]);
    for (const v of ['MXDESK_CONFIG', 'MXDESK_URL', 'MXDESK_TOKEN', 'PANEL_HOSTNAME']) expect(readme).toContain(`\`${v}\``);
  });

  it('shows panel screenshots that are committed and at most 150 KB each', () => {
    const images = [...readme.matchAll(/\]\((docs\/screenshots\/[\w-]+\.png)\)/g)].map((m) => m[1]!);
    expect(new Set(images).size).toBeGreaterThanOrEqual(4);
    for (const image of images) expect(statSync(path.join(root, image)).size, image).toBeLessThanOrEqual(150 * 1024);
  });

  it('has the sections an admin looks for', () => {
    const headings = readme.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual(expect.arrayContaining(['## Quick start', '## Deploy with Docker', '## Configuration', '## Upgrade and backup', '## Troubleshooting']));
    for (const trouble of ['Port 25 blocked', '465 or 587', 'Self-signed relay', 'DMARC rejects']) expect(readme).toContain(trouble);
  });
});
