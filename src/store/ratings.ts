import type { Batch, Db } from './db.js';
import { DEFAULT_RATING_SETTINGS, type RatingSettings } from '../desk/ratings.js';

export async function getRatingSettings(db: Db): Promise<RatingSettings> {
  return { ...DEFAULT_RATING_SETTINGS, ...(await db.get<Partial<RatingSettings>>(db.sub.meta, 'ratings')) };
}

export function putRatingSettings(db: Db, batch: Batch, s: RatingSettings): void {
  batch.put(db.sub.meta, 'ratings', s);
}
