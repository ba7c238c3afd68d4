import type { Batch, Db } from './db.js';

// What ingest keeps besides tickets and messages: raw messages, attachments, and the number
// of the system ticket that collects unmatched bounces.

export function getRaw(db: Db, id: string): Promise<Buffer | undefined> {
  return db.getBuffer(db.sub.raw, id);
}

export function deleteRaw(db: Db, batch: Batch, id: string): void {
  batch.del(db.sub.raw, id);
}

export function putAttachment(db: Db, batch: Batch, id: string, content: Buffer, meta: { filename: string; contentType: string }): void {
  batch.put(db.sub.att, id, content);
  batch.put(db.sub.meta, `att:${id}`, meta);
}

export function systemTicketNumber(db: Db): Promise<number | undefined> {
  return db.get<number>(db.sub.meta, 'systemTicket');
}

export function setSystemTicketNumber(db: Db, batch: Batch, number: number): void {
  batch.put(db.sub.meta, 'systemTicket', number);
}
