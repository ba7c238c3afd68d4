import type { BufferSub, JsonSub } from './sublevels.js';

// What a commit carries: the ops of one atomic LevelDB batch, and in a group (Db.group) the
// overlay that lets the group's reads see its own pending writes. Db (db.ts) commits them.

export type Op =
  | { type: 'put'; sublevel: JsonSub | BufferSub; key: string; value: unknown }
  | { type: 'del'; sublevel: JsonSub | BufferSub; key: string };

export const DELETED = Symbol('deleted');
/** A group's pending writes by key, and the sublevels they touch (see Db.cached). */
export class Overlay extends Map<string, unknown> {
  readonly prefixes = new Set<string>();
  /** Where each key's op is in the batch (Batch.add). */
  readonly opAt = new Map<string, number>();
}
export const overlayKey = (sublevel: JsonSub | BufferSub, key: string) => `${(sublevel as any).prefix}${key}`;

/** Ops collected by domain code and committed at once: all of them or none. */
export class Batch {
  readonly ops: Op[] = [];
  /** When set (Db.group), what this batch writes is what reads in the group see. */
  constructor(private readonly overlay?: Overlay) {}
  put(sublevel: JsonSub | BufferSub, key: string, value: unknown): this {
    return this.add({ type: 'put', sublevel, key, value }, value);
  }
  del(sublevel: JsonSub | BufferSub, key: string): this {
    return this.add({ type: 'del', sublevel, key }, DELETED);
  }

  /**
   * In a group, a key written twice (a ticket's words indexed from its subject and again from
   * its first message, a ticket changed by two mails) is written once, with its last value:
   * the same outcome as both ops in order, and each op costs encoding and a LevelDB insert.
   */
  private add(op: Op, seen: unknown): this {
    if (!this.overlay) {
      this.ops.push(op);
      return this;
    }
    const k = overlayKey(op.sublevel, op.key);
    const at = this.overlay.opAt.get(k);
    if (at === undefined) {
      this.overlay.opAt.set(k, this.ops.length);
      this.ops.push(op);
    } else this.ops[at] = op;
    this.overlay.set(k, seen);
    this.overlay.prefixes.add((op.sublevel as any).prefix);
    return this;
  }
}

/** True when a store error says the disk (or the file system's quota) is full. */
export function isDiskFull(err: unknown): boolean {
  for (let e = err as any, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (e.code === 'ENOSPC' || /ENOSPC|No space left|quota exceeded/i.test(String(e.message))) return true;
  }
  return false;
}
