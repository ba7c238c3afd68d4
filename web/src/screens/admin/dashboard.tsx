import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.js';
import type { Figures, Stats } from '../../../../src/desk/stats.js';
import { BarList, DailyChart } from './charts.js';
import { useList, type Department, type UserSummary } from './shared.js';
import { useWords } from './words.js';

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** "3 h 20 min", "2 d 4 h", "45 min": averages read at a glance. */
function duration(ms: number | null): string {
  if (ms === null) return '—';
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
const score = (f: Figures) => (f.ratings.score === null ? '—' : `${Math.round(f.ratings.score * 100)}% (${f.ratings.count})`);

/**
 * The statistics of GET /stats as charts: tickets per day (created and closed), per
 * department and per agent, over a period and for one department or all. Every chart has
 * its figures in a table beside it; the CSV link downloads the same figures.
 */
export function Dashboard() {
  const w = useWords();
  const today = isoDay(Date.now());
  const [query, setQuery] = useState({ from: isoDay(Date.now() - 29 * DAY), to: today, department: '' });
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState('');
  const departments = useList<Department>('/departments').items ?? [];
  const users = useList<UserSummary>('/users').items ?? [];
  const params = new URLSearchParams({ from: query.from, to: query.to, ...(query.department ? { department: query.department } : {}) }).toString();

  useEffect(() => {
    setError('');
    api<Stats>(`/stats?${params}`).then(setStats, (err: Error) => setError(err.message));
  }, [params]);

  const set = (key: keyof typeof query) => (e: Event) => {
    const value = (e.currentTarget as HTMLInputElement).value;
    if (value || key === 'department') setQuery({ ...query, [key]: value });
  };
  const deptName = (id: string) => departments.find((d) => d.id === id)?.name ?? id;
  const agentName = (id: string) => (id === 'unassigned' ? w('unassigned') : (users.find((u) => u.id === id)?.name ?? id));

  const table = (id: string, caption: string, rows: Array<Figures & { key: string }>, name: (k: string) => string) => (
    <div class="scroll">
      <table class="admin-table" id={id}>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{w('name')}</th><th scope="col">{w('stat.total')}</th><th scope="col">{w('stat.open')}</th><th scope="col">{w('stat.overdue')}</th>
            <th scope="col">{w('stat.firstResponse')}</th><th scope="col">{w('stat.resolution')}</th><th scope="col">{w('stat.rating')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-key={r.key}>
              <th scope="row">{name(r.key)}</th><td>{r.total}</td><td>{r.open}</td><td>{r.overdue}</td>
              <td>{duration(r.avgFirstResponseMs)}</td><td>{duration(r.avgResolutionMs)}</td><td>{score(r)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
  const bars = (rows: Array<Figures & { key: string }>, name: (k: string) => string) => rows.map((r) => ({ name: name(r.key), value: r.total }));
  const sentence = (what: string, rows: Array<{ name: string; value: number }>) => `${what}: ${rows.map((r) => `${r.name} ${r.value}`).join(', ') || w('none')}`;

  const created = stats?.daily.reduce((a, d) => a + d.created, 0) ?? 0;
  const closed = stats?.daily.reduce((a, d) => a + d.closed, 0) ?? 0;
  const cards: Array<[string, string, string]> = stats
    ? [
        ['total', w('stat.total'), String(stats.total)],
        ['open', w('stat.open'), String(stats.open)],
        ['overdue', w('stat.overdue'), String(stats.overdue)],
        ['first-response', w('stat.firstResponse'), duration(stats.avgFirstResponseMs)],
        ['resolution', w('stat.resolution'), duration(stats.avgResolutionMs)],
        ['rating', w('stat.rating'), score(stats)],
      ]
    : [];

  return (
    <section aria-labelledby="dashboard-title">
      <h2 id="dashboard-title">{w('dashboard')}</h2>
      <form class="filters" aria-label={w('filters')} onSubmit={(e) => e.preventDefault()}>
        <label>{w('periodFrom')}<input type="date" value={query.from} max={query.to} onChange={set('from')} /></label>
        <label>{w('periodTo')}<input type="date" value={query.to} min={query.from} onChange={set('to')} /></label>
        <label>
          {w('department')}
          <select value={query.department} onChange={set('department')}>
            <option value="">{w('allDepartments')}</option>
            {departments.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
          </select>
        </label>
        <a class="button" href={`/api/v1/stats?${params}&format=csv`} download>{w('csv')}</a>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {stats && (
        <>
          <dl class="cards">
            {cards.map(([key, label, value]) => (
              <div key={key} class="card" data-stat={key}><dt>{label}</dt><dd>{value}</dd></div>
            ))}
          </dl>
          <h3>{w('perDay')}</h3>
          <DailyChart
            days={stats.daily.map((d) => ({ date: d.date, bars: d.created, line: d.closed }))}
            barName={w('created')}
            lineName={w('closed')}
            label={w('perDayLabel', { created: String(created), closed: String(closed), days: String(stats.daily.length) })}
          />
          <details>
            <summary>{w('perDayTable')}</summary>
            <table class="admin-table compact" id="daily">
              <caption class="sr-only">{w('perDay')}</caption>
              <thead><tr><th scope="col">{w('date')}</th><th scope="col">{w('created')}</th><th scope="col">{w('closed')}</th></tr></thead>
              <tbody>{stats.daily.map((d) => <tr key={d.date}><th scope="row">{d.date}</th><td>{d.created}</td><td>{d.closed}</td></tr>)}</tbody>
            </table>
          </details>
          <h3>{w('perDepartment')}</h3>
          <BarList rows={bars(stats.byDepartment, deptName)} label={sentence(w('perDepartment'), bars(stats.byDepartment, deptName))} />
          {table('by-department', w('perDepartment'), stats.byDepartment, deptName)}
          <h3>{w('perAgent')}</h3>
          <BarList rows={bars(stats.byAgent, agentName)} label={sentence(w('perAgent'), bars(stats.byAgent, agentName))} />
          {table('by-agent', w('perAgent'), stats.byAgent, agentName)}
          <h3>{w('perAddress')}</h3>
          <BarList rows={bars(stats.bySupportAddress, String)} label={sentence(w('perAddress'), bars(stats.bySupportAddress, String))} />
          {table('by-address', w('perAddress'), stats.bySupportAddress, String)}
        </>
      )}
    </section>
  );
}
