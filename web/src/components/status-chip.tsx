import type { TicketStatus } from '../../../src/desk/types.js';
import { useI18n } from '../i18n.js';

export function StatusChip({ status }: { status: TicketStatus }) {
  const { t } = useI18n();
  return <span class={`chip status-${status}`}>{t(`state.${status}`)}</span>;
}
