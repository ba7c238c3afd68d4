/**
 * SPF results of recent sessions, for a short time. An SPF check (RFC 7208 §4) depends only
 * on the client IP, the MAIL FROM identity, the HELO name and DNS; a sender that opens many
 * sessions (or sends many mails in one) is judged once a minute instead of once per mail,
 * which a profile of ingest showed as a fifth of the accept path (parsing the record's CIDRs).
 * DNS answers live longer than this (a TTL under 60 s is rare for SPF records), and a
 * temperror is never kept: the next mail asks DNS again.
 */
export class SpfCache<T> {
  private readonly entries = new Map<string, { at: number; result: T }>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly max = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  static key(ip: string, sender: string, helo: string): string {
    return `${ip}\n${sender}\n${helo}`;
  }

  get(key: string): T | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (this.now() - hit.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.result;
  }

  set(key: string, result: T): void {
    // Oldest first out (a Map keeps insertion order): bounded memory under a flood of senders.
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { at: this.now(), result });
  }
}
