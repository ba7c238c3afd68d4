import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Options } from './command.js';

/** The HTTP API of a running mxdesk, called with a personal API token (Authorization: Bearer). */
export class Remote {
  constructor(readonly url: string, private readonly token: string) {}

  async call(path: string, init: { method?: string; json?: unknown; body?: RequestInit['body']; type?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    let body = init.body;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.type) headers['content-type'] = init.type;
    let res: Response;
    try {
      res = await fetch(new URL(path, this.url), { method: init.method ?? 'GET', headers, body, duplex: 'half' } as RequestInit);
    } catch (err) {
      throw new Error(`could not reach ${this.url}: ${(err as any).cause?.message ?? (err as Error).message}`);
    }
    if (!res.ok) {
      const text = await res.text();
      let message = text.slice(0, 300);
      try {
        message = JSON.parse(text).error.message;
      } catch {
        // not our JSON error: keep the text
      }
      throw new Error(`${this.url} answered ${res.status}: ${message}`);
    }
    return res;
  }

  async json<T = any>(path: string, init: Parameters<Remote['call']>[1] = {}): Promise<T> {
    return (await this.call(path, init)).json() as Promise<T>;
  }

  /** Streams a download to a file (mode 0600: backups and exports hold every mail). */
  async download(path: string, file: string): Promise<void> {
    const res = await this.call(path);
    await pipeline(Readable.fromWeb(res.body as any), createWriteStream(file, { mode: 0o600 }));
  }
}

/** --url / MXDESK_URL and --token / MXDESK_TOKEN, when both are there. */
export function remoteOf(opts: Options): Remote | null {
  const url = (opts.url as string | undefined) ?? process.env.MXDESK_URL;
  const token = (opts.token as string | undefined) ?? process.env.MXDESK_TOKEN;
  return url && token ? new Remote(url, token) : null;
}
