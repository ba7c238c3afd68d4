import type { VerdictSummary } from '../../../src/desk/types.js';
import { useI18n } from '../i18n.js';

type Tone = 'good' | 'bad' | 'neutral';

// RFC 8601 §2.7 result names: pass is good; fail, softfail, permerror and temperror are not.
function toneOf(result: string): Tone {
  if (result === 'pass') return 'good';
  if (['fail', 'softfail', 'permerror', 'temperror', 'policy'].includes(result)) return 'bad';
  return 'neutral';
}

/** The best DKIM result: a passing aligned signature beats a passing one, which beats the rest. */
function dkimOf(verdict: VerdictSummary): { result: string; domain?: string } {
  const sigs = verdict.dkim;
  return sigs.find((s) => s.result === 'pass' && s.aligned) ?? sigs.find((s) => s.result === 'pass') ?? sigs[0] ?? { result: 'none' };
}

function Badge({ name, result, domain }: { name: string; result: string; domain?: string }) {
  const tone = toneOf(result);
  const mark = tone === 'good' ? '✓' : tone === 'bad' ? '✗' : '–';
  return (
    <li class={`badge ${tone}`} title={domain ? `${name} ${result} (${domain})` : `${name} ${result}`} data-check={name.toLowerCase()} data-result={result}>
      <span aria-hidden="true">{mark} </span>
      {name} {result}
    </li>
  );
}

export function VerdictBadges({ verdict }: { verdict: VerdictSummary }) {
  const { t } = useI18n();
  const dkim = dkimOf(verdict);
  return (
    <ul class="badges" aria-label={t('verdict.title')}>
      <Badge name="SPF" result={verdict.spf.result} domain={verdict.spf.domain} />
      <Badge name="DKIM" result={dkim.result} domain={dkim.domain} />
      <Badge name="DMARC" result={verdict.dmarc.result} domain={verdict.dmarc.domain} />
    </ul>
  );
}
