import { useState } from 'preact/hooks';
import { api, type Delivery } from '../api.js';
import { useI18n } from '../i18n.js';

/** Where one of our mails stands with the relay, in words, and Retry when it did not go. */
export function DeliveryState({ messageId, delivery, canRetry }: { messageId: string; delivery: Delivery; canRetry: boolean }) {
  const { t } = useI18n();
  const [error, setError] = useState('');
  const retry = async () => {
    setError('');
    // The page refreshes from the live event the worker sends; nothing to update here.
    await api(`/messages/${messageId}/retry`, { method: 'POST' }).catch((err: Error) => setError(err.message));
  };
  const stuck = delivery.state === 'failed' || delivery.state === 'retrying';
  return (
    <p class={`delivery delivery-${delivery.state}`} data-delivery={delivery.state}>
      {t(`delivery.${delivery.state}`)}
      {delivery.lastReply && stuck && <span class="reply"> — {delivery.lastReply}</span>}
      {stuck && canRetry && <> <button type="button" onClick={retry}>{t('delivery.retry')}</button></>}
      {error && <span class="error" role="alert"> {error}</span>}
    </p>
  );
}
