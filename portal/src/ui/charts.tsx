// Charts drawn as SVG and HTML (no chart library: a few hundred bytes, print- and zoom-friendly),
// each with its numbers in text so screen readers and keyboard users get the same facts.

import { formatNumber } from '../lib/i18n';

export function BarList({ items, label }: { items: { label: string; value: number; note?: string }[]; label: string }) {
  const max = Math.max(1, ...items.map((i) => i.value));
  return (
    <ul class="bar-list" aria-label={label}>
      {items.map((item, i) => (
        <li key={i}>
          <span class="bar-label">{item.label}</span>
          <span class="bar-track" aria-hidden="true">
            <span class="bar" style={{ width: `${(item.value / max) * 100}%` }} />
          </span>
          <span class="bar-value">{item.note ?? formatNumber(item.value)}</span>
        </li>
      ))}
    </ul>
  );
}

export function LineChart({ series, label }: { series: { name: string; points: { x: string; y: number }[] }[]; label: string }) {
  const width = 640;
  const height = 220;
  const pad = { l: 40, r: 12, t: 12, b: 28 };
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort();
  const max = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.y)));
  const x = (v: string) => pad.l + (xs.length <= 1 ? 0 : (xs.indexOf(v) / (xs.length - 1)) * (width - pad.l - pad.r));
  const y = (v: number) => height - pad.b - (v / max) * (height - pad.t - pad.b);
  const ticks = [0, Math.round(max / 2), max];
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
        {ticks.map((tick) => (
          <g key={tick}>
            <line x1={pad.l} x2={width - pad.r} y1={y(tick)} y2={y(tick)} class="grid" />
            <text x={pad.l - 6} y={y(tick) + 4} text-anchor="end" class="axis">
              {formatNumber(tick)}
            </text>
          </g>
        ))}
        {xs.map((v, i) =>
          i % Math.ceil(xs.length / 6) === 0 ? (
            <text key={v} x={x(v)} y={height - 8} text-anchor="middle" class="axis">
              {v.slice(0, 7)}
            </text>
          ) : null,
        )}
        {series.map((s, i) => (
          <polyline key={s.name} class={`line line-${i}`} fill="none" points={s.points.map((p) => `${x(p.x)},${y(p.y)}`).join(' ')} />
        ))}
      </svg>
      <figcaption class="legend">
        {series.map((s, i) => (
          <span key={s.name} class={`key key-${i}`}>
            {s.name}: {formatNumber(s.points.reduce((sum, p) => sum + p.y, 0))}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
