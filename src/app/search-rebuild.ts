import type { Logger } from 'pino';
import type { Db } from '../store/db.js';
import { rebuildSearchIndex, searchIndexCurrent } from '../store/search-index.js';

/**
 * The full-text index rebuild after an upgrade changed its layout. On a large store it takes
 * minutes, so it runs after the desk is listening: mail is taken and tickets are listed
 * meanwhile; only search answers 503 `search_rebuilding` until it is done (a half-built
 * index would silently miss tickets).
 */
export class SearchRebuild {
  private running: boolean;
  private stopped = false;
  private job: Promise<void> = Promise.resolve();
  private resolveReady!: () => void;
  /** Resolves when search answers from a complete index. */
  readonly ready = new Promise<void>((resolve) => (this.resolveReady = resolve));

  private constructor(private readonly db: Db, private readonly log: Logger, needed: boolean) {
    this.running = needed;
    if (!needed) this.resolveReady();
  }

  /** Checks the index version (one read); the rebuild, when needed, waits for start(). */
  static async prepare(db: Db, log: Logger): Promise<SearchRebuild> {
    return new SearchRebuild(db, log, !(await searchIndexCurrent(db)));
  }

  rebuilding(): boolean {
    return this.running;
  }

  start(): void {
    if (!this.running) return;
    this.log.info('store: rebuilding the full-text search index in the background; search answers 503 until done');
    this.job = rebuildSearchIndex(this.db, () => this.stopped).then(
      (records) => {
        if (this.stopped) return;
        this.running = false;
        this.resolveReady();
        this.log.info({ records }, 'store: rebuilt the full-text search index');
      },
      (err) => this.log.error({ err }, 'store: the full-text search index rebuild failed; it runs again on the next start'),
    );
  }

  /** Stops a rebuild in progress (it starts over on the next start) and waits for it. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.job;
  }
}
