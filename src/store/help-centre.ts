import type { Batch, Db } from './db.js';
import { DEFAULT_HELP_CENTRE, type HelpCentreSettings } from '../desk/help-centre.js';

// The help centre's settings: one small record, like the rating settings.

export async function getHelpCentre(db: Db): Promise<HelpCentreSettings> {
  return { ...DEFAULT_HELP_CENTRE, ...(await db.get<Partial<HelpCentreSettings>>(db.sub.meta, 'helpCentre')) };
}

export function putHelpCentre(db: Db, batch: Batch, s: HelpCentreSettings): void {
  batch.put(db.sub.meta, 'helpCentre', s);
}
