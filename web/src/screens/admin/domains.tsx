import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.js';
import { useI18n } from '../../i18n.js';

// The DNS check of each support domain (GET /api/v1/domains/:domain/dns-check): per record
// whether it passes, and the exact record to publish when it does not. The same check as
// `mxdesk dns-check`, run with the desk's own From relays and DKIM keys.

interface DeskDomain {
  domain: string;
  relays: string[];
  dkimSelectors: string[];
}
type State = 'ok' | 'missing' | 'wrong' | 'unknown';
interface Finding {
  domain: string;
  check: 'MX' | 'SPF' | 'DKIM' | 'DMARC' | 'PTR';
  state: State;
  detail: string;
  record?: string;
  publish?: { name: string; type: string; value: string };
}
interface Check {
  ok: boolean;
  checkedAt: string;
  findings: Finding[];
}

// This screen's words live with it (the admin chunk), in both panel languages.
const en = {
  domains: 'Domains',
  intro: 'Mail for these domains must reach {hostname}. Each check looks up what is published in DNS now; copy the records that are missing or wrong to your DNS provider, then check again (changes can take an hour to show).',
  relays: 'Replies leave through',
  noRelays: 'no From address in this domain yet',
  dkim: 'DKIM selectors',
  noDkim: 'none',
  check: 'Check again',
  checkOf: 'Check again: {domain}',
  checking: 'Looking up DNS…',
  record: 'Record',
  result: 'Result',
  detail: 'Finding',
  toAdd: 'Record to publish',
  copy: 'Copy',
  copyOf: 'Copy the {part} of the {check} record of {domain}',
  name: 'Name',
  type: 'Type',
  value: 'Value',
  zone: 'Zone file',
  copied: 'Copied',
  ok: 'passes',
  missing: 'missing',
  wrong: 'wrong',
  unknown: 'could not tell',
  allGood: 'Everything {domain} needs is published.',
  notYet: '{count} of {total} records need a change.',
  none: 'No support domain is set up.',
};
type Words = typeof en;
const es: Words = {
  domains: 'Dominios',
  intro: 'El correo de estos dominios debe llegar a {hostname}. Cada comprobación consulta lo que hay publicado ahora en el DNS; copie en su proveedor de DNS los registros que faltan o están mal y vuelva a comprobar (los cambios pueden tardar una hora).',
  relays: 'Las respuestas salen por',
  noRelays: 'aún no hay dirección de envío en este dominio',
  dkim: 'Selectores DKIM',
  noDkim: 'ninguno',
  check: 'Comprobar de nuevo',
  checkOf: 'Comprobar de nuevo: {domain}',
  checking: 'Consultando el DNS…',
  record: 'Registro',
  result: 'Resultado',
  detail: 'Detalle',
  toAdd: 'Registro a publicar',
  copy: 'Copiar',
  copyOf: 'Copiar {part} del registro {check} de {domain}',
  name: 'Nombre',
  type: 'Tipo',
  value: 'Valor',
  zone: 'Archivo de zona',
  copied: 'Copiado',
  ok: 'correcto',
  missing: 'falta',
  wrong: 'incorrecto',
  unknown: 'no se pudo saber',
  allGood: 'Todo lo que {domain} necesita está publicado.',
  notYet: '{count} de {total} registros necesitan un cambio.',
  none: 'No hay ningún dominio de soporte.',
};

function useDomainWords() {
  const { lang } = useI18n();
  const words = lang === 'es' ? es : en;
  return (key: keyof Words, params?: Record<string, string | number>) => words[key].replace(/\{(\w+)\}/g, (m, n: string) => String(params?.[n] ?? m));
}

export function Domains() {
  const w = useDomainWords();
  const [list, setList] = useState<{ hostname: string; items: DeskDomain[] } | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api<{ hostname: string; items: DeskDomain[] }>('/domains').then(setList, (err: Error) => setError(err.message));
  }, []);
  return (
    <section aria-labelledby="domains-title">
      <h2 id="domains-title">{w('domains')}</h2>
      {error && <p class="error" role="alert">{error}</p>}
      {list && <p>{w('intro', { hostname: list.hostname })}</p>}
      {list && list.items.length === 0 && <p>{w('none')}</p>}
      {list?.items.map((d) => <DomainCheck key={d.domain} domain={d} />)}
    </section>
  );
}

function DomainCheck({ domain }: { domain: DeskDomain }) {
  const w = useDomainWords();
  const [check, setCheck] = useState<Check | 'checking' | { error: string }>('checking');
  const [copied, setCopied] = useState('');
  const run = () => {
    setCheck('checking');
    api<Check>(`/domains/${encodeURIComponent(domain.domain)}/dns-check`).then(setCheck, (err: Error) => setCheck({ error: err.message }));
  };
  useEffect(run, [domain.domain]);
  const copy = async (text: string, key: string) => {
    await navigator.clipboard?.writeText(text).catch(() => undefined);
    setCopied(key);
  };
  // A Copy button per field; its name keeps the visible word (WCAG 2.5.3) and "Copied" is said beside it.
  const copyButton = (f: Finding, part: 'name' | 'value' | 'zone', text: string) => {
    const key = `${f.check} ${f.domain} ${part}`;
    return (
      <>
        {' '}<button type="button" aria-label={w('copyOf', { part: w(part).toLowerCase(), check: f.check, domain: f.domain })} onClick={() => copy(text, key)}>{w('copy')}</button>
        {copied === key && <span class="ok" role="status"> {w('copied')}</span>}
      </>
    );
  };
  const titleId = `domain-${domain.domain.replace(/[^a-z0-9-]/gi, '-')}`;
  const done = check !== 'checking' && !('error' in check) ? check : null;
  const failing = done ? done.findings.filter((f) => f.state !== 'ok').length : 0;
  return (
    <section class="dns-domain" aria-labelledby={titleId} data-domain={domain.domain} data-check={check === 'checking' ? 'checking' : done ? (done.ok ? 'ok' : 'failing') : 'error'}>
      <h3 id={titleId}>{domain.domain}</h3>
      <p class="dns-setup">
        {w('relays')}: {domain.relays.length ? domain.relays.join(', ') : w('noRelays')} · {w('dkim')}: {domain.dkimSelectors.length ? domain.dkimSelectors.join(', ') : w('noDkim')}
      </p>
      <button type="button" aria-label={w('checkOf', { domain: domain.domain })} disabled={check === 'checking'} onClick={run}>{w('check')}</button>
      {check === 'checking' && <p role="status">{w('checking')}</p>}
      {check !== 'checking' && 'error' in check && <p class="error" role="alert">{check.error}</p>}
      {done && (
        <>
          <p role="status" class={done.ok ? 'ok' : 'error'}>{done.ok ? w('allGood', { domain: domain.domain }) : w('notYet', { count: failing, total: done.findings.length })}</p>
          {/* A phone scrolls the table in its own box, not the page. */}
          <div class="scroll">
          <table class="admin-table dns-table">
            <thead>
              <tr><th scope="col">{w('record')}</th><th scope="col">{w('result')}</th><th scope="col">{w('detail')}</th><th scope="col">{w('toAdd')}</th></tr>
            </thead>
            <tbody>
              {done.findings.map((f) => (
                <tr key={`${f.check} ${f.domain} ${f.record ?? f.detail}`} data-record={f.check} data-state={f.state}>
                  <th scope="row">{f.check}{f.domain !== domain.domain && <span class="dns-name"> {f.domain}</span>}</th>
                  <td class={`dns-${f.state}`}>{f.state === 'ok' ? '✓ ' : '✗ '}{w(f.state)}</td>
                  <td>{f.detail}</td>
                  <td>
                    {f.publish ? (
                      <dl class="dns-publish">
                        <dt>{w('name')}</dt>
                        <dd><code data-part="name">{f.publish.name}</code>{copyButton(f, 'name', f.publish.name)}</dd>
                        <dt>{w('type')}</dt>
                        <dd data-part="type">{f.publish.type}</dd>
                        <dt>{w('value')}</dt>
                        <dd><code class="dns-record" data-part="value">{f.publish.value}</code>{copyButton(f, 'value', f.publish.value)}</dd>
                        {/* A TXT value over 255 characters (a 2048-bit DKIM key) is several quoted strings in a zone file. */}
                        {f.record?.includes('" "') && <><dt>{w('zone')}</dt><dd><code class="dns-record" data-part="zone">{f.record}</code>{copyButton(f, 'zone', f.record)}</dd></>}
                      </dl>
                    ) : f.record && <code class="dns-record">{f.record}</code>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        </>
      )}
    </section>
  );
}
