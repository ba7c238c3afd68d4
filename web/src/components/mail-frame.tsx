import { useState } from 'preact/hooks';
import type { MessageView } from '../api.js';
import { useI18n } from '../i18n.js';
import { formatAddress } from '../format.js';

// A quick look for remote images so the button appears only when it would change something.
// The server decides what is blocked; this only reads the string, it never renders it.
const REMOTE_IMAGE = /<img[^>]+src\s*=\s*["']?\s*https?:/i;

/**
 * The mail's HTML, sanitised by the server, in a frame that may not run scripts and has an
 * opaque origin (no allow-scripts, no allow-same-origin): even a sanitiser miss cannot reach
 * the panel's cookies, DOM or API.
 */
export function MailFrame({ message }: { message: MessageView }) {
  const { t } = useI18n();
  const [images, setImages] = useState(false);
  const hasRemote = REMOTE_IMAGE.test(message.html ?? '');
  return (
    <div class="mail-frame">
      {hasRemote && !images && (
        <p class="images-note">
          {t('message.imagesBlocked')}{' '}
          <button type="button" onClick={() => setImages(true)}>{t('message.showImages')}</button>
        </p>
      )}
      <iframe
        src={`/api/v1/messages/${message.id}/html${images ? '?images=1' : ''}`}
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        referrerpolicy="no-referrer"
        title={t('message.htmlTitle', { from: formatAddress(message.from) })}
      />
    </div>
  );
}
