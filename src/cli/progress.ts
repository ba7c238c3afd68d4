import { err } from './command.js';

/**
 * A progress bar on stderr, so that stdout stays the command's result. On a terminal it
 * redraws one line; otherwise (a log, a pipe) it prints a line every 10%.
 */
export class Progress {
  private lastDecile = -1;

  constructor(private readonly totalBytes: number, private readonly tty = Boolean(process.stderr.isTTY)) {}

  update(bytes: number, messages: number): void {
    const ratio = this.totalBytes ? Math.min(bytes / this.totalBytes, 1) : 1;
    const line = `${bar(ratio)} ${Math.round(ratio * 100)}%  ${messages} messages  ${mb(bytes)} of ${mb(this.totalBytes)}`;
    if (this.tty) {
      err(`\r${line}`);
      return;
    }
    const decile = Math.floor(ratio * 10);
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      err(line + '\n');
    }
  }

  finish(): void {
    if (this.tty) err('\n');
  }
}

const WIDTH = 30;
const bar = (ratio: number) => `[${'#'.repeat(Math.round(ratio * WIDTH)).padEnd(WIDTH, '.')}]`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
