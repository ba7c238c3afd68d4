// Login throttling: failed attempts are counted per account and per client IP over a sliding
// window; past the limit the login answers 429 with Retry-After (RFC 6585 §4) until the
// oldest counted failure leaves the window. Kept in memory: a restart forgives, which is
// acceptable for a single-process appliance, and nothing is written per guess.

export interface ThrottleLimits {
  /** Failures per account in the window (OWASP suggests a handful). */
  perAccount: number;
  /** Failures per IP in the window: higher, an office shares one address. */
  perIp: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: ThrottleLimits = { perAccount: 5, perIp: 20, windowMs: 15 * 60_000 };

/** Bounds memory under a spray of random accounts: the oldest keys are forgotten first. */
const MAX_KEYS = 10_000;

/**
 * Events per key over a sliding window, in memory, the oldest keys forgotten first. The login
 * throttle counts failures with it; the help centre counts submissions per IP.
 */
export class SlidingWindow {
  private events = new Map<string, number[]>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until fewer than `limit` events of `key` are in the window; 0 when one more may happen now. */
  retryAfter(key: string, limit: number): number {
    const now = this.now();
    const times = this.recent(key, now);
    return times.length >= limit ? Math.ceil((times[times.length - limit]! + this.windowMs - now) / 1000) : 0;
  }

  note(key: string): void {
    const now = this.now();
    const times = this.recent(key, now);
    times.push(now);
    // Re-inserted so that the Map's order is by last use: the least recently used key goes first.
    this.events.delete(key);
    this.events.set(key, times);
    while (this.events.size > MAX_KEYS) this.events.delete(this.events.keys().next().value!);
  }

  forget(key: string): void {
    this.events.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.events.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }
}

export class LoginThrottle {
  private readonly failures: SlidingWindow;

  constructor(
    private readonly limits: ThrottleLimits = DEFAULT_LOGIN_LIMITS,
    now: () => number = Date.now,
  ) {
    this.failures = new SlidingWindow(limits.windowMs, now);
  }

  /** Seconds to wait before trying again, or 0 when a login may be tried now. */
  retryAfter(email: string, ip: string): number {
    return Math.max(this.failures.retryAfter(`a:${email.toLowerCase()}`, this.limits.perAccount), this.failures.retryAfter(`i:${ip}`, this.limits.perIp));
  }

  failed(email: string, ip: string): void {
    this.failures.note(`a:${email.toLowerCase()}`);
    this.failures.note(`i:${ip}`);
  }

  /** A successful login clears the account's count (not the IP's: one good password does not excuse a spray). */
  succeeded(email: string): void {
    this.failures.forget(`a:${email.toLowerCase()}`);
  }
}

/**
 * The key a client's address is counted under: an IPv4 address as it is; an IPv6 address by
 * its /64, the smallest block a subscriber usually gets (RFC 6177 §3), so that stepping
 * through the addresses of one's own network does not reset the count.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const bare = ip.split('%')[0]!;
  const [head = '', tail] = bare.split('::');
  const front = head ? head.split(':') : [];
  const back = tail ? tail.split(':') : [];
  const groups = tail === undefined ? front : [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
  return `${groups.slice(0, 4).map((g) => (parseInt(g, 16) || 0).toString(16)).join(':')}::/64`;
}
