import type { FastifyReply } from 'fastify';
import type { Db } from '../store/db.js';

/** RFC 6266 filename parameter: ASCII fallback plus the UTF-8 form of RFC 8187. */
export function contentDisposition(kind: 'attachment' | 'inline', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * Sends a stored attachment as a download, never as a page: whatever a mail carried (HTML,
 * SVG, a script) is saved, not run, and the sandbox CSP covers a browser that renders it
 * anyway. Resolves false when the attachment is not stored; the caller answers 404.
 * Who may read it is the caller's decision, made before.
 */
export async function sendAttachment(db: Db, reply: FastifyReply, id: string): Promise<boolean> {
  const content = await db.getBuffer(db.sub.att, id);
  if (!content) return false;
  // The meta (name, type) lives on the message; the attachment key is enough to serve it.
  const meta = (await db.get<{ filename: string; contentType: string }>(db.sub.meta, `att:${id}`)) ?? null;
  await reply
    .type(meta?.contentType ?? 'application/octet-stream')
    .header('Content-Disposition', contentDisposition('attachment', meta?.filename ?? id))
    .header('Content-Security-Policy', "default-src 'none'; sandbox")
    .header('X-Content-Type-Options', 'nosniff')
    .send(content);
  return true;
}
