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

export class LoginThrottle {
  private failures = new Map<string, number[]>();

  constructor(
    private readonly limits: ThrottleLimits = DEFAULT_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait before trying again, or 0 when a login may be tried now. */
  retryAfter(email: string, ip: string): number {
    const now = this.now();
    const wait = (key: string, limit: number) => {
      const times = this.recent(key, now);
      return times.length >= limit ? Math.ceil((times[times.length - limit]! + this.limits.windowMs - now) / 1000) : 0;
    };
    return Math.max(wait(`a:${email.toLowerCase()}`, this.limits.perAccount), wait(`i:${ip}`, this.limits.perIp));
  }

  failed(email: string, ip: string): void {
    const now = this.now();
    for (const key of [`a:${email.toLowerCase()}`, `i:${ip}`]) {
      const times = this.recent(key, now);
      times.push(now);
      this.failures.delete(key);
      this.failures.set(key, times);
    }
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  /** A successful login clears the account's count (not the IP's: one good password does not excuse a spray). */
  succeeded(email: string): void {
    this.failures.delete(`a:${email.toLowerCase()}`);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.limits.windowMs);
  }
}
