import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'vite';

const web = path.resolve(import.meta.dirname, '../../web');
const built = path.join(web, 'dist/index.html');

/** The newest modification time under the panel's sources (src/, index.html, vite config). */
function newestSource(): number {
  let newest = 0;
  const visit = (p: string) => {
    const s = statSync(p);
    if (s.isDirectory()) for (const name of readdirSync(p)) visit(path.join(p, name));
    else newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of ['src', 'index.html', 'vite.config.ts']) visit(path.join(web, p));
  return newest;
}

function builtAt(): number {
  try {
    return statSync(built).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * The panel tests and the server's static route need web/dist. Build it once per run, and
 * only when it is missing or older than its sources, so a second run costs nothing.
 */
export default async function setup(): Promise<void> {
  if (builtAt() >= newestSource()) return;
  await build({ root: web, configFile: path.join(web, 'vite.config.ts'), logLevel: 'warn' });
}
