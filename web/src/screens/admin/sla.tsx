import { useState } from 'preact/hooks';
import { api } from '../../api.js';
import { useI18n } from '../../i18n.js';
import type { BusinessCalendar, Weekday } from '../../../../src/desk/business-hours.js';
import type { SlaPolicy, SlaTarget } from '../../../../src/desk/sla.js';
import { PRIORITIES } from '../../../../src/desk/types.js';
import { changer, field, ListTable, refusedPath, useList, type Department, type UserSummary } from './shared.js';
import { draftOf, escalationOf, EscalationsEditor, type EscalationDraft, type Refusal } from './sla-escalations.js';
import { useWords, type AdminWord } from './words.js';

// Monday first, as office hours are read; the API's week keys are the same names.
const DAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const OFFICE: BusinessCalendar['week'] = Object.fromEntries(DAYS.slice(0, 5).map((d) => [d, [['09:00', '17:00']]]));

/** Minutes shown as hours, e.g. 90 → "1.5": targets are thought of in working hours. */
const hours = (m: number | undefined) => (m === undefined ? '' : String(Math.round((m / 60) * 100) / 100));
const minutes = (form: FormData, name: string) => {
  const v = String(form.get(name) ?? '').trim();
  return v === '' ? undefined : Math.max(1, Math.round(Number(v) * 60));
};

/**
 * SLA policies (src/http/routes/sla-policies.ts): per priority, how many working hours
 * until the first answer and until the ticket is solved, counted in the policy's office
 * hours and time zone, and the escalations when a share of that time has passed.
 */
export function SlaPolicies() {
  const w = useWords();
  const { t } = useI18n();
  const { items, error, setError, reload } = useList<SlaPolicy>('/sla-policies');
  const departments = useList<Department>('/departments').items ?? [];
  const users = useList<UserSummary>('/users').items ?? [];
  const [editing, setEditingId] = useState<string | null>(null);
  // The escalations of the form on screen (the policy edited, or the new one), sent whole with it.
  const [drafts, setDrafts] = useState<EscalationDraft[]>([]);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const setEditing = (p: SlaPolicy | null) => {
    setEditingId(p?.id ?? null);
    setDrafts(p?.escalations.map(draftOf) ?? []);
    setRefusal(null);
  };
  const run = changer(setError, reload);
  const deptName = (id: string | null) => (id === null ? w('otherDepartments') : (departments.find((d) => d.id === id)?.name ?? id));

  const body = (form: HTMLFormElement, previous: SlaPolicy | null) => {
    const data = new FormData(form);
    const week: BusinessCalendar['week'] = {};
    for (const d of DAYS) {
      if (data.get(`open-${d}`) !== 'on') continue;
      // A time field cannot hold 24:00 (the end of the day): it shows 00:00, saved as 24:00.
      const to = String(data.get(`to-${d}`));
      // Only a day's first span is drawn; the others are kept as they were.
      week[d] = [[String(data.get(`from-${d}`)), to === '00:00' ? '24:00' : to], ...(previous?.calendar.week[d]?.slice(1) ?? [])];
    }
    const targets: SlaTarget[] = [];
    for (const p of PRIORITIES) {
      const target = { priority: p, firstResponseMinutes: minutes(data, `first-${p}`), resolutionMinutes: minutes(data, `resolve-${p}`) };
      if (target.firstResponseMinutes || target.resolutionMinutes) targets.push(JSON.parse(JSON.stringify(target)) as SlaTarget);
    }
    // Targets by severity, and the catch-all one (neither priority nor severity), are not
    // drawn here; keep them rather than lose them on save.
    targets.push(...(previous?.targets.filter((x) => x.severity || !x.priority) ?? []));
    const holidays = field(form, 'holidays').split(/[\s,]+/).filter(Boolean);
    return {
      name: field(form, 'name'),
      departmentId: field(form, 'department') || null,
      enabled: data.get('enabled') === 'on',
      calendar: { timeZone: field(form, 'timeZone'), week, holidays },
      targets,
    };
  };
  const submit = (previous: SlaPolicy | null) => async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const json = { ...body(form, previous), escalations: drafts.map(escalationOf) };
    setError('');
    setRefusal(null);
    let ok = true;
    try {
      await (previous ? api(`/sla-policies/${previous.id}`, { method: 'PATCH', json }) : api('/sla-policies', { method: 'POST', json }));
    } catch (err) {
      ok = false;
      // A refusal about an escalation shows on its field; anything else above the list.
      const path = refusedPath(err);
      if (path?.startsWith('escalations')) setRefusal({ path, message: (err as Error).message });
      else setError((err as Error).message);
    }
    await reload();
    if (ok) {
      setEditing(null);
      if (!previous) form.reset();
    }
  };

  const form = (p: SlaPolicy | null) => {
    const titleId = p ? `sla-edit-${p.id}` : 'sla-add';
    const week = p?.calendar.week ?? OFFICE;
    const target = (pr: string) => p?.targets.find((x) => x.priority === pr && !x.severity);
    return (
      <form class="admin-form wide" onSubmit={submit(p)} aria-labelledby={titleId} key={p?.id ?? 'new'}>
        <h3 id={titleId}>{p ? w('editOf', { name: p.name }) : w('addPolicy')}</h3>
        <label>{w('name')}<input name="name" type="text" required maxLength={100} defaultValue={p?.name ?? ''} /></label>
        <label>
          {w('department')}
          <select name="department">
            <option value="">{w('otherDepartments')}</option>
            {departments.map((d) => <option key={d.id} value={d.id} selected={d.id === p?.departmentId}>{d.name}</option>)}
          </select>
        </label>
        <label class="inline"><input type="checkbox" name="enabled" defaultChecked={p?.enabled ?? true} /> {w('enabled')}</label>
        <fieldset>
          <legend>{w('targets')}</legend>
          <div class="scroll">
            <table class="admin-table compact">
              <thead><tr><th scope="col">{w('priority')}</th><th scope="col">{w('firstResponseHours')}</th><th scope="col">{w('resolutionHours')}</th></tr></thead>
              <tbody>
                {PRIORITIES.map((pr) => (
                  <tr key={pr}>
                    <th scope="row">{t(`priority.${pr}` as Parameters<typeof t>[0])}</th>
                    <td><input name={`first-${pr}`} type="number" min={0.02} step="any" aria-label={w('firstResponseOf', { priority: pr })} defaultValue={hours(target(pr)?.firstResponseMinutes)} /></td>
                    <td><input name={`resolve-${pr}`} type="number" min={0.02} step="any" aria-label={w('resolutionOf', { priority: pr })} defaultValue={hours(target(pr)?.resolutionMinutes)} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </fieldset>
        <fieldset>
          <legend>{w('businessHours')}</legend>
          <label>{w('timeZone')}<input name="timeZone" type="text" required defaultValue={p?.calendar.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone} /></label>
          {DAYS.map((d) => {
            const span = week[d]?.[0];
            return (
              <div key={d} class="day">
                <label class="inline"><input type="checkbox" name={`open-${d}`} defaultChecked={Boolean(span)} /> {w(`day.${d}` as AdminWord)}</label>
                <label>{w('opens')}<input name={`from-${d}`} type="time" defaultValue={span?.[0] ?? '09:00'} aria-label={w('opensOn', { day: w(`day.${d}` as AdminWord) })} /></label>
                <label>{w('closes')}<input name={`to-${d}`} type="time" defaultValue={span?.[1] === '24:00' ? '00:00' : (span?.[1] ?? '17:00')} aria-label={w('closesOn', { day: w(`day.${d}` as AdminWord) })} /></label>
                {(week[d]?.length ?? 0) > 1 && <p class="hint">{w('moreHours', { spans: week[d]!.slice(1).map(([a, b]) => `${a}–${b}`).join(', ') })}</p>}
              </div>
            );
          })}
          <label>{w('holidays')}<textarea name="holidays" rows={2} placeholder="2026-12-25, 2027-01-01" defaultValue={p?.calendar.holidays.join(', ') ?? ''} /></label>
        </fieldset>
        <EscalationsEditor drafts={drafts} onChange={setDrafts} users={users} refusal={refusal} />
        <div class="actions">
          <button type="submit" class="primary">{p ? w('save') : w('add')}</button>
          {p && <button type="button" onClick={() => setEditing(null)}>{w('cancel')}</button>}
        </div>
      </form>
    );
  };

  const summary = (p: SlaPolicy) =>
    p.targets
      .filter((x) => x.priority)
      .map((x) => `${t(`priority.${x.priority!}` as Parameters<typeof t>[0])}: ${hours(x.firstResponseMinutes) || '—'} / ${hours(x.resolutionMinutes) || '—'} h`)
      .join('; ');
  const edited = items?.find((p) => p.id === editing) ?? null;
  return (
    <section aria-labelledby="sla-title">
      <h2 id="sla-title">{w('sla')}</h2>
      {error && <p class="error" role="alert">{error}</p>}
      <ListTable head={[w('name'), w('department'), w('targetsShort'), w('enabled')]} actions={w('actions')}>
        {(items ?? []).map((p) => (
          <tr key={p.id}>
            <th scope="row">{p.name}</th>
            <td>{deptName(p.departmentId)}</td>
            <td>{summary(p)}</td>
            <td>{p.enabled ? w('yes') : w('no')}</td>
            <td class="buttons">
              <button type="button" aria-label={w('editOf', { name: p.name })} onClick={() => setEditing(p)}>{w('editButton')}</button>
              <button type="button" aria-label={w('deleteOf', { name: p.name })} onClick={() => confirm(w('deleteConfirm', { name: p.name })) && run(() => api(`/sla-policies/${p.id}`, { method: 'DELETE' }))}>{w('delete')}</button>
            </td>
          </tr>
        ))}
      </ListTable>
      {edited ? form(edited) : form(null)}
    </section>
  );
}
