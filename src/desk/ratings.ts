import { checkLink, linkExpiry, signLink } from './signed-links.js';
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

export function ratingToken(secret: Buffer, ticketNumber: number, expiresAt: number): string {
  return signLink(secret, 'rating', String(ticketNumber), expiresAt);
}

export type TokenCheck = { ok: true; ticketNumber: number } | { ok: false; reason: 'invalid' | 'expired' };

export function checkRatingToken(secret: Buffer, token: string, now: number): TokenCheck {
  const check = checkLink(secret, 'rating', token, now);
  if (!check.ok) return check;
  // Only a ticket number was ever signed for rating; anything else was not made by us.
  return /^\d{1,9}$/.test(check.payload) ? { ok: true, ticketNumber: Number(check.payload) } : { ok: false, reason: 'invalid' };
}

/**
 * The links of a rating request ({{rating.link}} and one per answer) for the rating
 * template (src/desk/templates.ts). The page with no answer chosen asks for one.
 */
export function ratingLinks(publicUrl: string, token: string): Record<'rating.link' | 'rating.good' | 'rating.neutral' | 'rating.bad', string> {
  const page = `${publicUrl.replace(/\/+$/, '')}/rate/${token}`;
  return { 'rating.link': page, 'rating.good': `${page}?value=good`, 'rating.neutral': `${page}?value=neutral`, 'rating.bad': `${page}?value=bad` };
}

export { linkExpiry };
