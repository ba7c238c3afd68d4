import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n.js';
import { RULE_TRIGGERS, type Rule, type RuleAction, type RuleCondition } from '../../../../src/desk/rules.js';
import type { CustomFieldDefinition } from '../../../../src/desk/custom-fields.js';
import { PRIORITIES, SEVERITIES } from '../../../../src/desk/types.js';
import type { Draft } from './rules.js';
import { useList, type Department, type UserSummary } from './shared.js';
import { useWords, type AdminWord } from './words.js';

// The conditions/actions editor. A part is kept as the API's object with loose fields while
// it is edited; `clean` turns it into what POST /rules takes (lists split, numbers parsed).

type Part = Record<string, unknown> & { kind: string };

const CONDITION_KINDS = ['subjectContains', 'bodyContains', 'sender', 'senderDomain', 'supportAddress', 'department', 'priority', 'severity', 'tag', 'verdict', 'contactField', 'time'] as const;
const ACTION_KINDS = ['setPriority', 'setSeverity', 'setDepartment', 'setAssignee', 'addTags', 'setField', 'comment', 'sendTemplate', 'stop'] as const;
const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A fresh part of a kind, with the first choice of its lists filled in. */
function fresh(kind: string, departments: Department[]): Part {
  switch (kind) {
    case 'priority': return { kind, value: ['urgent'] };
    case 'severity': return { kind, value: ['S1'] };
    case 'department':
    case 'setDepartment': return { kind, value: departments[0]?.id ?? '' };
    case 'verdict': return { kind, check: 'dmarc', result: 'fail' };
    case 'time': return { kind, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, from: '18:00', to: '08:00' };
    case 'setPriority': return { kind, value: 'high' };
    case 'setSeverity': return { kind, value: 'S2' };
    case 'setAssignee': return { kind, value: '' };
    case 'addTags': return { kind, value: '' };
    case 'stop': return { kind };
    case 'comment': return { kind, text: '' };
    case 'sendTemplate': return { kind, subject: '', text: '' };
    default: return { kind, value: '' };
  }
}

/** The editor's loose part as the API wants it. */
function clean(p: Part, fields: CustomFieldDefinition[]): Part {
  const out: Part = { ...p };
  if (p.kind === 'addTags') out.value = String(p.value ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (p.kind === 'setAssignee') out.value = p.value || null;
  if (p.kind === 'setField' || p.kind === 'contactField') {
    const type = fields.find((f) => f.key === p.key)?.type;
    if (type === 'number') out.value = Number(p.value);
    if (type === 'checkbox') out.value = p.value === true || p.value === 'true';
  }
  if (p.kind === 'time' && Array.isArray(p.days) && p.days.length === 0) delete out.days;
  if (!out.negate) delete out.negate;
  return out;
}

export function RuleEditor(props: { rule: Rule | null; departments: Department[]; onSave: (d: Draft) => void; onCancel: () => void }) {
  const w = useWords();
  const { t } = useI18n();
  const users = (useList<UserSummary>('/users').items ?? []).filter((u) => u.active && u.role !== 'basic');
  const fields = useList<CustomFieldDefinition>('/custom-fields').items ?? [];
  const r = props.rule;
  const [name, setName] = useState(r?.name ?? '');
  const [enabled, setEnabled] = useState(r?.enabled ?? true);
  const [triggers, setTriggers] = useState<string[]>(r?.triggers ?? ['ticket-created']);
  const [conditions, setConditions] = useState<Part[]>(r ? r.conditions.map((c) => ({ ...c }) as Part) : []);
  const [actions, setActions] = useState<Part[]>(
    r ? r.actions.map((a) => (a.kind === 'addTags' ? { ...a, value: a.value.join(', ') } : a.kind === 'setAssignee' ? { ...a, value: a.value ?? '' } : { ...a }) as Part) : [fresh('setPriority', props.departments)],
  );
  const prio = (p: string) => t(`priority.${p}` as Parameters<typeof t>[0]);

  const submit = (e: Event) => {
    e.preventDefault();
    props.onSave({
      name,
      enabled,
      triggers: triggers as Draft['triggers'],
      conditions: conditions.map((c) => clean(c, fields)) as unknown as RuleCondition[],
      actions: actions.map((a) => clean(a, fields)) as unknown as RuleAction[],
    });
  };

  /** One part's row: its kind, the inputs its kind needs, and a remove button. */
  const row = (list: Part[], setList: (l: Part[]) => void, kinds: readonly string[], what: 'condition' | 'action', i: number) => {
    const p = list[i]!;
    const n = i + 1;
    const set = (patch: Record<string, unknown>) => setList(list.map((x, k) => (k === i ? { ...x, ...patch } : x)));
    const label = (word: AdminWord) => `${w(word)} (${w(what)} ${n})`;
    const text = (key: string, word: AdminWord, multiline = false) =>
      multiline ? (
        <label>{w(word)}<textarea aria-label={label(word)} rows={3} required value={String(p[key] ?? '')} onInput={(e) => set({ [key]: (e.currentTarget as HTMLTextAreaElement).value })} /></label>
      ) : (
        <label>{w(word)}<input type="text" aria-label={label(word)} required value={String(p[key] ?? '')} onInput={(e) => set({ [key]: (e.currentTarget as HTMLInputElement).value })} /></label>
      );
    const choose = (key: string, word: AdminWord, options: Array<[string, string]>) => (
      <label>
        {w(word)}
        <select aria-label={label(word)} value={String(p[key] ?? '')} onChange={(e) => set({ [key]: (e.currentTarget as HTMLSelectElement).value })}>
          {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
        </select>
      </label>
    );
    const several = (options: readonly string[], shown: (v: string) => string) => {
      const chosen = (p.value as string[] | undefined) ?? [];
      return (
        <fieldset class="inline-set">
          <legend>{label('values')}</legend>
          {options.map((v) => (
            <label key={v} class="inline">
              <input type="checkbox" checked={chosen.includes(v)} onChange={(e) => set({ value: (e.currentTarget as HTMLInputElement).checked ? [...chosen, v] : chosen.filter((x) => x !== v) })} /> {shown(v)}
            </label>
          ))}
        </fieldset>
      );
    };
    const depts = props.departments.map((d): [string, string] => [d.id, d.name]);
    const fieldKeys = fields.map((f): [string, string] => [f.key, f.label]);
    let inputs;
    switch (p.kind) {
      case 'department':
      case 'setDepartment': inputs = choose('value', 'department', depts); break;
      case 'priority': inputs = several(PRIORITIES, prio); break;
      case 'severity': inputs = several(SEVERITIES, (s) => s); break;
      case 'setPriority': inputs = choose('value', 'priority', PRIORITIES.map((x) => [x, prio(x)])); break;
      case 'setSeverity': inputs = choose('value', 'severity', SEVERITIES.map((x) => [x, x])); break;
      case 'setAssignee': inputs = choose('value', 'assignee', [['', w('nobody')], ...users.map((u): [string, string] => [u.id, u.name])]); break;
      case 'verdict': inputs = <>{choose('check', 'check', [['spf', 'SPF'], ['dkim', 'DKIM'], ['dmarc', 'DMARC']])}{choose('result', 'result', ['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror'].map((x) => [x, x]))}</>; break;
      case 'contactField':
      case 'setField': inputs = <>{fieldKeys.length ? choose('key', 'field', [['', '—'], ...fieldKeys]) : text('key', 'field')}{text('value', 'value')}</>; break;
      case 'addTags': inputs = text('value', 'tagsComma'); break;
      case 'comment': inputs = text('text', 'text', true); break;
      case 'sendTemplate': inputs = <>{text('subject', 'subject')}{text('text', 'text', true)}<p class="hint">{w('placeholders')}</p></>; break;
      case 'stop': inputs = null; break;
      case 'time': {
        const days = (p.days as string[] | undefined) ?? [];
        inputs = (
          <>
            {text('timeZone', 'timeZone')}
            <label>{w('opens')}<input type="time" aria-label={label('opens')} value={String(p.from ?? '')} onInput={(e) => set({ from: (e.currentTarget as HTMLInputElement).value })} /></label>
            <label>{w('closes')}<input type="time" aria-label={label('closes')} value={String(p.to ?? '')} onInput={(e) => set({ to: (e.currentTarget as HTMLInputElement).value })} /></label>
            <fieldset class="inline-set">
              <legend>{label('days')}</legend>
              {WEEK.map((d) => (
                <label key={d} class="inline"><input type="checkbox" checked={days.includes(d)} onChange={(e) => set({ days: (e.currentTarget as HTMLInputElement).checked ? [...days, d] : days.filter((x) => x !== d) })} /> {w(`day.${d}`)}</label>
              ))}
            </fieldset>
          </>
        );
        break;
      }
      default: inputs = text('value', 'value');
    }
    return (
      <li key={`${what}-${i}`} class="part">
        <label>
          {w(what)} {n}
          <select aria-label={`${w(what)} ${n}`} value={p.kind} onChange={(e) => setList(list.map((x, k) => (k === i ? fresh((e.currentTarget as HTMLSelectElement).value, props.departments) : x)))}>
            {kinds.map((k) => <option key={k} value={k}>{w(`kind.${k}` as AdminWord)}</option>)}
          </select>
        </label>
        {inputs}
        {what === 'condition' && (
          <label class="inline"><input type="checkbox" checked={Boolean(p.negate)} onChange={(e) => set({ negate: (e.currentTarget as HTMLInputElement).checked })} /> {label('negate')}</label>
        )}
        <button type="button" class="link" onClick={() => setList(list.filter((_, k) => k !== i))}>{label('remove')}</button>
      </li>
    );
  };

  return (
    <form class="admin-form wide rule-editor" onSubmit={submit} aria-labelledby="rule-editor-title">
      <h3 id="rule-editor-title">{r ? w('editOf', { name: r.name }) : w('addRule')}</h3>
      <label>{w('name')}<input type="text" required maxLength={100} value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} /></label>
      <label class="inline"><input type="checkbox" checked={enabled} onChange={(e) => setEnabled((e.currentTarget as HTMLInputElement).checked)} /> {w('enabled')}</label>
      <fieldset>
        <legend>{w('when')}</legend>
        {RULE_TRIGGERS.map((tr) => (
          <label key={tr} class="inline">
            <input type="checkbox" checked={triggers.includes(tr)} onChange={(e) => setTriggers((e.currentTarget as HTMLInputElement).checked ? [...triggers, tr] : triggers.filter((x) => x !== tr))} /> {w(`trigger.${tr}` as AdminWord)}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{w('conditionsAll')}</legend>
        <ol class="parts">{conditions.map((_, i) => row(conditions, setConditions, CONDITION_KINDS, 'condition', i))}</ol>
        <button type="button" onClick={() => setConditions([...conditions, fresh('subjectContains', props.departments)])}>{w('addCondition')}</button>
      </fieldset>
      <fieldset>
        <legend>{w('actionsThen')}</legend>
        <ol class="parts">{actions.map((_, i) => row(actions, setActions, ACTION_KINDS, 'action', i))}</ol>
        <button type="button" onClick={() => setActions([...actions, fresh('addTags', props.departments)])}>{w('addAction')}</button>
      </fieldset>
      <div class="actions">
        <button type="submit" class="primary">{w('save')}</button>
        <button type="button" onClick={props.onCancel}>{w('cancel')}</button>
      </div>
    </form>
  );
}
