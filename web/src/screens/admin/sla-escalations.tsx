import type { Escalation, SlaGoal } from '../../../../src/desk/sla.js';
import { FieldProblem, problemOf, type UserSummary } from './shared.js';
import { useWords } from './words.js';

// A policy's escalations (src/desk/sla.ts): at a share of a target's time, notify people,
// hand the ticket to someone and/or raise its priority. Edited as drafts beside the policy
// form and sent with it, whole, as `escalations`.

/** One escalation as the form holds it: the share as a percentage typed by the admin. */
export interface EscalationDraft {
  percent: string;
  goal: SlaGoal;
  notify: string[];
  reassignTo: string;
  raisePriority: boolean;
}

export const draftOf = (e: Escalation): EscalationDraft => ({
  percent: String(Math.round(e.at * 10_000) / 100),
  goal: e.goal,
  notify: e.notify,
  reassignTo: e.reassignTo ?? '',
  raisePriority: e.raisePriority ?? false,
});

/** The API's shape. An empty or unreadable percentage goes as null for the server to refuse on its field. */
export const escalationOf = (d: EscalationDraft) => {
  const percent = d.percent.trim() === '' ? NaN : Number(d.percent);
  return {
    at: Number.isFinite(percent) ? percent / 100 : null,
    goal: d.goal,
    notify: d.notify,
    ...(d.reassignTo ? { reassignTo: d.reassignTo } : {}),
    ...(d.raisePriority ? { raisePriority: true } : {}),
  };
};

const NEW: EscalationDraft = { percent: '75', goal: 'resolution', notify: ['assignee'], reassignTo: '', raisePriority: false };

/** The server's refusal, by the path it names ("escalations/0/at"), to show on that field. */
export interface Refusal {
  path: string;
  message: string;
}

export function EscalationsEditor({ drafts, onChange, users, refusal }: { drafts: EscalationDraft[]; onChange: (next: EscalationDraft[]) => void; users: UserSummary[]; refusal: Refusal | null }) {
  const w = useWords();
  const people = users.filter((u) => u.active && u.role !== 'basic');
  const set = (i: number, patch: Partial<EscalationDraft>) => onChange(drafts.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  // "escalations/0/notify/1" is about the notify field of the first escalation.
  const problem = (i: number, f: keyof Escalation) => {
    const [list, at, name] = refusal?.path.split('/') ?? [];
    if (list !== 'escalations' || at !== String(i) || name !== f) return '';
    // The server counts `at` as a share (≤ 10); the form shows percentages, so say it in those too.
    return f === 'at' ? `${w('escalationAtRange')} ${refusal!.message}` : refusal!.message;
  };
  const whole = refusal && refusal.path.split('/').length < 3 ? refusal.message : '';

  return (
    <fieldset {...problemOf('escalations-error', whole)}>
      <legend>{w('escalations')}</legend>
      <p class="hint">{w('escalationsHint')}</p>
      <FieldProblem id="escalations-error" text={whole} />
      {drafts.length === 0 && <p class="empty">{w('noEscalations')}</p>}
      {drafts.map((d, i) => {
        const n = String(i + 1);
        const id = (f: string) => `escalation-${i}-${f}`;
        return (
          <fieldset key={i} class="escalation">
            <legend>{w('escalationN', { n })}</legend>
            <label for={id('goal')}>{w('escalationGoal')}</label>
            <select id={id('goal')} value={d.goal} {...problemOf(id('goal-error'), problem(i, 'goal'))} onChange={(e) => set(i, { goal: (e.currentTarget as HTMLSelectElement).value as SlaGoal })}>
              <option value="firstResponse">{w('firstResponseHours')}</option>
              <option value="resolution">{w('resolutionHours')}</option>
            </select>
            <FieldProblem id={id('goal-error')} text={problem(i, 'goal')} />
            <label for={id('at')}>{w('escalationAt')}</label>
            <input id={id('at')} type="text" inputMode="decimal" value={d.percent} {...problemOf(id('at-error'), problem(i, 'at'))} onInput={(e) => set(i, { percent: (e.currentTarget as HTMLInputElement).value })} />
            <FieldProblem id={id('at-error')} text={problem(i, 'at')} />
            <fieldset {...problemOf(id('notify-error'), problem(i, 'notify'))}>
              <legend>{w('escalationNotify')}</legend>
              {[{ id: 'assignee', name: w('escalationAssignee') }, ...people].map((u) => (
                <label key={u.id} class="inline">
                  <input type="checkbox" checked={d.notify.includes(u.id)} onChange={(e) => set(i, { notify: (e.currentTarget as HTMLInputElement).checked ? [...d.notify, u.id] : d.notify.filter((x) => x !== u.id) })} /> {u.name}
                </label>
              ))}
              <FieldProblem id={id('notify-error')} text={problem(i, 'notify')} />
            </fieldset>
            <label for={id('reassign')}>{w('escalationReassign')}</label>
            <select id={id('reassign')} value={d.reassignTo} {...problemOf(id('reassign-error'), problem(i, 'reassignTo'))} onChange={(e) => set(i, { reassignTo: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="">{w('escalationKeepOwner')}</option>
              {people.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
            </select>
            <FieldProblem id={id('reassign-error')} text={problem(i, 'reassignTo')} />
            <label class="inline">
              <input type="checkbox" checked={d.raisePriority} onChange={(e) => set(i, { raisePriority: (e.currentTarget as HTMLInputElement).checked })} /> {w('escalationRaise')}
            </label>
            <button type="button" onClick={() => onChange(drafts.filter((_, j) => j !== i))}>{w('escalationRemove', { n })}</button>
          </fieldset>
        );
      })}
      <button type="button" onClick={() => onChange([...drafts, { ...NEW }])}>{w('escalationAdd')}</button>
    </fieldset>
  );
}
