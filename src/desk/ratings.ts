import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RatingValue } from './types.js';

// Satisfaction ratings: after a ticket closes, the customer gets a mail with one link per
// answer (good / neutral / bad). A link carries the ticket number and its expiry, signed
// with the desk's secret, so nobody can rate a ticket they were not asked about, and an old
// mail stops working.

export type { Rating, RatingValue } from './types.js';
export const RATING_VALUES: readonly RatingValue[] = ['good', 'neutral', 'bad'];

/** Admin settings of the rating request, kept in the store. */
export interface RatingSettings {
  /** The panel's address as customers reach it, e.g. https://help.example.com; links start here. */
  publicUrl: string;
  /** Departments whose closed tickets get a rating request. */
  departments: string[];
  /** A link works this many days after the mail. */
  linkDays: number;
  /** When ratings were switched on: tickets closed before are not asked. */
  since: number;
}

export const DEFAULT_RATING_SETTINGS: RatingSettings = { publicUrl: '', departments: [], linkDays: 14, since: 0 };

/** 128 bits of HMAC-SHA256: forging a link by chance is out of reach. */
const SIG_BYTES = 16;
const DAY = 86_400_000;

const signature = (secret: Buffer, payload: string) => createHmac('sha256', secret).update(`rating:${payload}`).digest().subarray(0, SIG_BYTES).toString('base64url');

export function ratingToken(secret: Buffer, ticketNumber: number, expiresAt: number): string {
  const payload = `${ticketNumber}.${expiresAt}`;
  return `${payload}.${signature(secret, payload)}`;
}

export type TokenCheck = { ok: true; ticketNumber: number } | { ok: false; reason: 'invalid' | 'expired' };

export function checkRatingToken(secret: Buffer, token: string, now: number): TokenCheck {
  const m = /^(\d{1,9})\.(\d{1,15})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!m) return { ok: false, reason: 'invalid' };
  const expected = Buffer.from(signature(secret, `${m[1]}.${m[2]}`));
  const given = Buffer.from(m[3]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  if (now >= Number(m[2])) return { ok: false, reason: 'expired' };
  return { ok: true, ticketNumber: Number(m[1]) };
}

/**
 * The links of a rating request ({{rating.link}} and one per answer) for the rating
 * template (src/desk/templates.ts). The page with no answer chosen asks for one.
 */
export function ratingLinks(publicUrl: string, token: string): Record<'rating.link' | 'rating.good' | 'rating.neutral' | 'rating.bad', string> {
  const page = `${publicUrl.replace(/\/+$/, '')}/rate/${token}`;
  return { 'rating.link': page, 'rating.good': `${page}?value=good`, 'rating.neutral': `${page}?value=neutral`, 'rating.bad': `${page}?value=bad` };
}

export const linkExpiry = (now: number, days: number) => now + days * DAY;
