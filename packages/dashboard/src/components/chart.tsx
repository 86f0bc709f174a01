import { dateTime } from '../lib/format.js';

export interface RunPoint {
  started_at: string;
  items: number;
  memories: number;
}

/**
 * Items read per run (bars) and memories after each run (line), oldest left. Plain SVG: no chart library, and the
 * numbers are also in the run table for anyone who cannot see the chart.
 */
export function RunChart({ points }: { points: RunPoint[] }) {
  if (points.length === 0) return <p class="muted">No runs yet.</p>;
  const w = 640;
  const h = 160;
  const pad = 24;
  const maxItems = Math.max(1, ...points.map((p) => p.items));
  const maxMem = Math.max(1, ...points.map((p) => p.memories));
  const step = (w - pad * 2) / points.length;
  const barW = Math.min(40, Math.max(2, step * 0.6));
  const line = points
    .map(
      (p, i) =>
        `${(pad + step * i + step / 2).toFixed(1)},${(h - pad - ((h - pad * 2) * p.memories) / maxMem).toFixed(1)}`,
    )
    .join(' ');
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-labelledby="chart-title chart-desc">
        <title id="chart-title">Items per run and memories over time</title>
        <desc id="chart-desc">
          {points.length} runs from {dateTime(points[0]!.started_at)} to {dateTime(points.at(-1)!.started_at)}; at most{' '}
          {maxItems} items in a run; {points.at(-1)!.memories} memories now.
        </desc>
        <line x1={pad} y1={h - pad} x2={w - pad} y2={h - pad} class="axis" />
        {points.map((p, i) => {
          const bh = ((h - pad * 2) * p.items) / maxItems;
          return (
            <rect
              key={i}
              x={pad + step * i + (step - barW) / 2}
              y={h - pad - bh}
              width={barW}
              height={bh}
              class="bar"
            />
          );
        })}
        <polyline points={line} class="line" />
        <text x={pad} y={14} class="label">
          items per run (max {maxItems})
        </text>
        <text x={w - pad} y={14} class="label end">
          memories (now {points.at(-1)!.memories})
        </text>
      </svg>
    </figure>
  );
}
