// Two small SVG charts for the dashboard, drawn by hand: a chart library would weigh more
// than the whole admin chunk. Each is an image with a sentence for screen readers
// (role="img" + aria-label); the dashboard puts the full figures beside them in tables.

const W = 640;
const H = 200;
const PAD = { left: 32, right: 8, top: 10, bottom: 24 };

/** A round upper bound for the axis: 1, 2, 5, 10, 20, 50 … */
function niceMax(n: number): number {
  if (n <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= n) ?? 10 * p;
}

/**
 * Per day: bars for one series (created), a line with dots for another (closed).
 * `label` is the sentence a screen reader reads instead of the picture.
 */
export function DailyChart(props: { days: Array<{ date: string; bars: number; line: number }>; label: string; barName: string; lineName: string }) {
  const { days } = props;
  const max = niceMax(Math.max(0, ...days.map((d) => Math.max(d.bars, d.line))));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / Math.max(1, days.length);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const x = (i: number) => PAD.left + i * step + step / 2;
  // A date under every few bars, so the labels never overlap.
  const every = Math.max(1, Math.ceil(days.length / 8));
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.label}>
        {[0, max / 2, max].map((v) => (
          <g key={v} aria-hidden="true">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} class="grid" />
            <text x={PAD.left - 4} y={y(v) + 4} text-anchor="end">{Number.isInteger(v) ? v : v.toFixed(1)}</text>
          </g>
        ))}
        {days.map((d, i) => (
          <rect key={d.date} class="bar" x={x(i) - step * 0.35} width={step * 0.7} y={y(d.bars)} height={Math.max(0, plotH + PAD.top - y(d.bars))}>
            <title>{`${d.date}: ${d.bars}`}</title>
          </rect>
        ))}
        <polyline class="line" fill="none" points={days.map((d, i) => `${x(i)},${y(d.line)}`).join(' ')} />
        {days.map((d, i) => <circle key={d.date} class="dot" cx={x(i)} cy={y(d.line)} r={2.5} />)}
        {days.map((d, i) => (i % every === 0 ? <text key={d.date} x={x(i)} y={H - 6} text-anchor="middle">{d.date.slice(5)}</text> : null))}
      </svg>
      <figcaption class="legend">
        <span class="key bar-key" aria-hidden="true" /> {props.barName} <span class="key line-key" aria-hidden="true" /> {props.lineName}
      </figcaption>
    </figure>
  );
}

/** Horizontal bars, one per named group, longest scale = the largest value. */
export function BarList(props: { rows: Array<{ name: string; value: number }>; label: string }) {
  const max = Math.max(1, ...props.rows.map((r) => r.value));
  const rowH = 26;
  const labelW = 150;
  const h = props.rows.length * rowH + 4;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${h}`} role="img" aria-label={props.label}>
        {props.rows.map((r, i) => {
          const len = ((W - labelW - 40) * r.value) / max;
          return (
            <g key={r.name} transform={`translate(0 ${i * rowH + 2})`}>
              <text x={labelW - 6} y={rowH / 2 + 4} text-anchor="end">{r.name.length > 22 ? `${r.name.slice(0, 21)}…` : r.name}</text>
              <rect class="bar" x={labelW} y={3} width={Math.max(len, r.value ? 2 : 0)} height={rowH - 6} />
              <text x={labelW + len + 6} y={rowH / 2 + 4}>{r.value}</text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
