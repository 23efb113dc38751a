// Inline SVG charts from the per-minute series of /stats: no library, colours from CSS classes (series-<name>).
import { h, s } from './dom.js';

const tick = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
const sum = (values) => values.reduce((a, b) => a + (Number(b) || 0), 0);

function points(values, width, height, max, pad) {
  const step = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  return values.map((v, i) => [pad + i * step, height - pad - ((Number(v) || 0) / max) * (height - 2 * pad)]);
}

function niceMax(value) {
  if (value <= 0) {
    return 1;
  }
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) {
    if (value <= m * magnitude) {
      return m * magnitude;
    }
  }
  return 10 * magnitude;
}

/** Small lines of a few series, for a table cell: the label says what each is and its total. */
export function sparkline(series, { width = 120, height = 28 } = {}) {
  const names = Object.keys(series);
  const max = Math.max(1, ...names.flatMap((n) => (series[n] ?? []).map((v) => Number(v) || 0)));
  const text = names.map((n) => `${n} ${sum(series[n] ?? [])}`).join(', ') + ` in the last hour (at most ${max} a minute)`;
  return s('svg', { class: 'sparkline', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': text },
    s('title', null, text),
    // The first series is always drawn (a flat line says "nothing"); the others only when they have something.
    names.map((n, i) => (series[n]?.length > 1 && (i === 0 || sum(series[n]) > 0)
      ? s('polyline', {
        class: `series-${n}`,
        fill: 'none',
        'stroke-width': 1.5,
        points: points(series[n], width, height, max, 2).map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '),
      })
      : null)));
}

/**
 * A line chart of several per-minute series over the last hour, with a y scale, minute marks and a legend that
 * carries each series' total (so the chart reads without colour too).
 */
export function lineChart(series, { width = 1000, height = 200, title = 'Events per minute, last hour' } = {}) {
  const names = Object.keys(series);
  const length = Math.max(0, ...names.map((n) => series[n].length));
  const max = niceMax(Math.max(0, ...names.flatMap((n) => series[n].map((v) => Number(v) || 0))));
  const left = 36;
  const bottom = 20;
  const top = 8;
  const plotWidth = width - left - 8;
  const plotHeight = height - top - bottom;
  const x = (i) => left + (length > 1 ? (i / (length - 1)) * plotWidth : 0);
  const y = (v) => top + plotHeight - ((Number(v) || 0) / max) * plotHeight;

  const grid = [0, 0.5, 1].map((f) => [
    s('line', { class: 'grid', x1: left, x2: left + plotWidth, y1: y(max * f), y2: y(max * f) }),
    s('text', { class: 'axis', x: left - 4, y: y(max * f) + 4, 'text-anchor': 'end' }, tick(max * f)),
  ]);
  const marks = [[0, '-60 min'], [0.5, '-30 min'], [1, 'now']].map(([f, text]) =>
    s('text', { class: 'axis', x: left + f * plotWidth, y: height - 4, 'text-anchor': f === 0 ? 'start' : f === 1 ? 'end' : 'middle' }, text));
  const lines = names.map((n) => s('polyline', {
    class: `series-${n}`,
    fill: 'none',
    'stroke-width': 2,
    points: series[n].map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' '),
  }));
  const summary = names.map((n) => `${n} ${sum(series[n])}`).join(', ');

  return h('figure', { class: 'chart' },
    s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${title}: ${summary}` },
      s('title', null, `${title}: ${summary}`), grid, marks, lines),
    h('figcaption', null,
      h('span', { class: 'chart-title' }, title),
      names.map((n) => h('span', { class: 'legend' }, h('span', { class: `swatch series-${n}`, 'aria-hidden': 'true' }), `${n} ${sum(series[n])}`))));
}

/** Adds series element by element: the cluster's chart is the sum of every function's. */
export function addSeries(total, series) {
  for (const [name, values] of Object.entries(series ?? {})) {
    const target = total[name] ?? (total[name] = []);
    values.forEach((v, i) => { target[i] = (target[i] ?? 0) + (Number(v) || 0); });
  }
  return total;
}

/**
 * One attempt on the invocation's time axis: the wait from due to start, then the run from start to end, coloured
 * by outcome (the outcome is also written in the row, so colour is never the only signal).
 */
export function attemptBar(range, entry, { width = 260, height = 18 } = {}) {
  const span = Math.max(1, range.end - range.start);
  const at = (t) => Math.min(width, Math.max(0, ((t - range.start) / span) * width));
  const started = Date.parse(entry.startedAt);
  const due = entry.dueAt ? Date.parse(entry.dueAt) : started;
  const finished = entry.finishedAt ? Date.parse(entry.finishedAt) : range.end;
  const outcome = String(entry.outcome ?? 'Running');
  const runX = at(started);
  const runWidth = Math.max(4, at(finished) - runX);
  const label = `${outcome}: due ${new Date(due).toISOString()}, started ${entry.startedAt}, ended ${entry.finishedAt ?? 'not yet'}`;
  return s('svg', { class: 'attempt-bar', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': label },
    s('title', null, label),
    s('rect', { class: 'track', x: 0, y: height / 2 - 1, width, height: 2 }),
    started > due ? s('rect', { class: 'wait', x: at(due), y: height / 2 - 3, width: Math.max(1, runX - at(due)), height: 6 }) : null,
    s('rect', { class: `run outcome-${outcome.toLowerCase()}`, x: runX, y: 2, width: runWidth, height: height - 4, rx: 2 }));
}
