import { mail } from '../helpers/app.js';

/** A 1×1 PNG, base64. */
export const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** The headers of mail() with another Content-Type. */
function headWith(subject: string, contentType: string): string {
  return mail({ subject, body: '' }).split('\r\n\r\n')[0]!.replace('Content-Type: text/plain; charset=utf-8', `Content-Type: ${contentType}`);
}

/** A single-part HTML mail. */
export function htmlMail(subject: string, html: string): string {
  return [headWith(subject, 'text/html; charset=utf-8'), '', html, ''].join('\r\n');
}

/** HTML with an inline image: multipart/related, the image named by Content-ID (RFC 2387, RFC 2392). */
export function relatedMail(subject: string, html: string, cid: string): string {
  return [
    headWith(subject, 'multipart/related; boundary="rel"'), '',
    '--rel', 'Content-Type: text/html; charset=utf-8', '', html,
    '--rel', 'Content-Type: image/png', 'Content-Transfer-Encoding: base64', `Content-ID: <${cid}>`, 'Content-Disposition: inline; filename="logo.png"', '', PNG,
    '--rel--', '',
  ].join('\r\n');
}

/** Text with files attached: multipart/mixed (RFC 2046 §5.1.3). */
export function mixedMail(subject: string, text: string, files: Array<{ filename: string; contentType: string; base64: string }>): string {
  return [
    headWith(subject, 'multipart/mixed; boundary="mix"'), '',
    '--mix', 'Content-Type: text/plain; charset=utf-8', '', text,
    ...files.flatMap((f) => ['--mix', `Content-Type: ${f.contentType}`, 'Content-Transfer-Encoding: base64', `Content-Disposition: attachment; filename="${f.filename}"`, '', f.base64]),
    '--mix--', '',
  ].join('\r\n');
}
