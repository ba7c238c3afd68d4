import { useState } from 'preact/hooks';
import { api } from '../../api.js';
import type { Rule, RuleAction, RuleCondition, RuleTrigger } from '../../../../src/desk/rules.js';
import { changer, field, useList, type Department } from './shared.js';
import { RuleEditor } from './rule-editor.js';
import { useWords, type AdminWord } from './words.js';

interface DryRun {
  matched: boolean;
  changes: Array<{ what: string; from: unknown; to: unknown }>;
  comments: string[];
  mails: Array<{ subject: string }>;
}

export type Draft = { name: string; enabled: boolean; triggers: RuleTrigger[]; conditions: RuleCondition[]; actions: RuleAction[] };

/**
 * Rules (src/http/routes/rules.ts): run in the order of the list; each can be switched off,
 * moved, edited, and tried on an existing ticket (the dry run writes nothing).
 */
export function Rules() {
  const w = useWords();
  const { items, error, setError, reload } = useList<Rule>('/rules');
  const departments = useList<Department>('/departments').items ?? [];
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [tried, setTried] = useState<{ id: string; result: DryRun } | null>(null);
  const run = changer(setError, reload);
  const rules = [...(items ?? [])].sort((a, b) => a.position - b.position);

  /** Swaps a rule with its neighbour; positions are whole numbers, so it swaps theirs. */
  const move = (i: number, by: -1 | 1) => {
    const a = rules[i]!;
    const b = rules[i + by]!;
    return run(async () => {
      await api(`/rules/${a.id}`, { method: 'PATCH', json: { position: b.position } });
      await api(`/rules/${b.id}`, { method: 'PATCH', json: { position: a.position } });
    });
  };
  const save = async (draft: Draft) => {
    const target = editing === 'new' ? null : rules.find((r) => r.id === editing);
    const ok = await run(() => (target ? api(`/rules/${target.id}`, { method: 'PATCH', json: draft }) : api('/rules', { method: 'POST', json: draft })));
    if (ok) setEditing(null);
  };
  const dryRun = (id: string) => async (e: Event) => {
    e.preventDefault();
    const ticket = Number(field(e.currentTarget as HTMLFormElement, 'ticket'));
    setTried(null);
    await run(async () => setTried({ id, result: await api<DryRun>(`/rules/${id}/dry-run`, { method: 'POST', json: { ticket } }) }));
  };
  const show = (v: unknown) => (v === null || v === undefined ? '—' : Array.isArray(v) ? v.join(', ') : String(v));

  /** One condition or action in words, e.g. "Subject contains: refund". */
  const describe = (x: RuleCondition | RuleAction) => {
    const p = x as Record<string, unknown>;
    const v = x.kind === 'department' || x.kind === 'setDepartment' ? (departments.find((d) => d.id === p.value)?.name ?? p.value) : (p.value ?? p.subject ?? p.text ?? (p.check ? `${p.check} ${p.result}` : p.timeZone ? `${p.from ?? ''}–${p.to ?? ''} ${p.timeZone}` : undefined));
    return `${p.negate ? `${w('negate')} ` : ''}${w(`kind.${x.kind}` as AdminWord)}${x.kind === 'stop' ? '' : `: ${show(v)}`}`;
  };

  const current = editing === 'new' ? null : rules.find((r) => r.id === editing);
  return (
    <section aria-labelledby="rules-title">
      <h2 id="rules-title">{w('rules')}</h2>
      <p class="hint">{w('rulesHint')}</p>
      {error && <p class="error" role="alert">{error}</p>}
      <ol class="rules">
        {rules.map((r, i) => (
          <li key={r.id} class="card">
            <div class="rule-head">
              <strong>{r.name}</strong>
              <span class="hint">{r.triggers.map((tr) => w(`trigger.${tr}` as AdminWord)).join(', ')}</span>
              <label class="inline">
                <input type="checkbox" checked={r.enabled} onChange={(e) => run(() => api(`/rules/${r.id}`, { method: 'PATCH', json: { enabled: (e.currentTarget as HTMLInputElement).checked } }))} />
                {w('enabledOf', { name: r.name })}
              </label>
            </div>
            <p class="rule-summary">
              {r.conditions.length ? `${w('if')} ${r.conditions.map(describe).join('; ')}. ` : ''}
              {`${w('actionsThen')}: ${r.actions.map(describe).join('; ')}.`}
            </p>
            <div class="buttons">
              <button type="button" disabled={i === 0} aria-label={w('moveUp', { name: r.name })} onClick={() => move(i, -1)}>↑</button>
              <button type="button" disabled={i === rules.length - 1} aria-label={w('moveDown', { name: r.name })} onClick={() => move(i, 1)}>↓</button>
              <button type="button" aria-label={w('editOf', { name: r.name })} onClick={() => setEditing(r.id)}>{w('editButton')}</button>
              <button type="button" aria-label={w('deleteOf', { name: r.name })} onClick={() => confirm(w('deleteConfirm', { name: r.name })) && run(() => api(`/rules/${r.id}`, { method: 'DELETE' }))}>{w('delete')}</button>
            </div>
            <form class="dry-run" onSubmit={dryRun(r.id)} aria-label={w('dryRunOf', { name: r.name })}>
              <label>{w('ticketNumber')}<input name="ticket" type="number" min={1} required /></label>
              <button type="submit">{w('dryRun')}</button>
            </form>
            {tried?.id === r.id && (
              <div role="status" class="dry-result" data-matched={String(tried.result.matched)}>
                <p><strong>{tried.result.matched ? w('wouldMatch') : w('wouldNotMatch')}</strong></p>
                {tried.result.matched && (
                  <ul>
                    {tried.result.changes.map((c, k) => <li key={`c${k}`}>{w('changeLine', { field: c.what, from: show(c.from), to: show(c.to) })}</li>)}
                    {tried.result.comments.map((c, k) => <li key={`n${k}`}>{w('commentLine', { text: c })}</li>)}
                    {tried.result.mails.map((m, k) => <li key={`m${k}`}>{w('mailLine', { subject: m.subject })}</li>)}
                    {tried.result.changes.length + tried.result.comments.length + tried.result.mails.length === 0 && <li>{w('noChange')}</li>}
                  </ul>
                )}
              </div>
            )}
          </li>
        ))}
      </ol>
      {items?.length === 0 && <p class="empty">{w('noRules')}</p>}
      {editing ? (
        <RuleEditor key={editing} rule={current ?? null} departments={departments} onSave={save} onCancel={() => setEditing(null)} />
      ) : (
        <button type="button" class="primary" onClick={() => setEditing('new')}>{w('addRule')}</button>
      )}
    </section>
  );
}
