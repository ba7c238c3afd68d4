import type { MessageView } from '../api.js';
import { useI18n } from '../i18n.js';
import { formatSize } from '../format.js';

// Raster types a browser shows in <img> without running anything (SVG is left out on purpose).
const PREVIEWABLE = /^image\/(png|jpe?g|gif|webp|bmp)$/i;

export function Attachments({ message }: { message: MessageView }) {
  const { t } = useI18n();
  // Inline images referenced by cid: are part of the HTML view; the rest are attachments.
  const files = message.attachments.filter((a) => !(a.inline && a.cid && message.html !== null));
  if (files.length === 0) return null;
  return (
    <section class="attachments" aria-label={t('message.attachments')}>
      <h3>{t('message.attachments')}</h3>
      <ul>
        {files.map((a) => {
          const href = `/api/v1/attachments/${a.id}`;
          return (
            <li key={a.id}>
              {PREVIEWABLE.test(a.contentType) && (
                <a href={href} download={a.filename} class="preview">
                  <img src={href} alt={a.filename} loading="lazy" />
                </a>
              )}
              <a href={href} download={a.filename}>{a.filename}</a> <span class="size">({formatSize(a.size)})</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
