// Times, durations, numbers and status badges, one way everywhere.
import { h } from './dom.js';

const STATUS = {
  Pending: { tone: 'info', mark: '○', text: 'Pending' },
  Running: { tone: 'info', mark: '▶', text: 'Running' },
  WaitingForRetry: { tone: 'warn', mark: '↻', text: 'Waiting for retry' },
  Throttled: { tone: 'warn', mark: '⏸', text: 'Throttled' },
  Paused: { tone: 'warn', mark: '⏸', text: 'Paused' },
  Succeeded: { tone: 'ok', mark: '✓', text: 'Succeeded' },
  Failed: { tone: 'bad', mark: '✗', text: 'Failed' },
  Cancelled: { tone: 'muted', mark: '⊘', text: 'Cancelled' },
};

const OUTCOME_TONE = {
  Success: 'ok', FunctionError: 'bad', SystemError: 'bad', Throttled: 'warn', Interrupted: 'warn', Redriven: 'info', Cancelled: 'muted',
};

export const FINAL = new Set(['Succeeded', 'Failed', 'Cancelled']);

/** A status as a badge: mark, words and colour together. */
export function statusBadge(status) {
  const known = STATUS[status] ?? { tone: 'muted', mark: '?', text: String(status ?? 'unknown') };
  return h('span', { class: `badge tone-${known.tone}`, 'data-status': status },
    h('span', { 'aria-hidden': 'true' }, known.mark), ' ', known.text);
}

/** A history outcome as a badge. */
export function outcomeBadge(outcome) {
  return h('span', { class: `badge tone-${OUTCOME_TONE[outcome] ?? 'muted'}` }, String(outcome ?? 'Running'));
}

/** "2026-12-02 05:14:03.120 UTC" — UTC, because that is what logs and traces say at 3 a.m. */
export function time(value) {
  if (!value) {
    return '—';
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    return String(value);
  }
  return `${date.toISOString().replace('T', ' ').replace('Z', '')} UTC`;
}

/** "05:14:03.120": the time of day (UTC) alone, where the date is said once nearby. */
export function clock(value) {
  if (!value) {
    return '—';
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString().slice(11, 23);
}

/** "12 s ago", "in 3 min". */
export function relative(value, now = Date.now()) {
  if (!value) {
    return '';
  }
  const ms = Date.parse(value) - now;
  const text = duration(Math.abs(ms), { coarse: true });
  return ms < 0 ? `${text} ago` : `in ${text}`;
}

/** A time with its relative form beside it, in a <time> element. */
export function timeCell(value) {
  if (!value) {
    return '—';
  }
  return h('time', { datetime: value, title: time(value) }, time(value), h('span', { class: 'relative' }, ` (${relative(value)})`));
}

/** Milliseconds as "850 ms", "2.41 s", "3 min 5 s", "2 h 10 min". */
export function duration(ms, { coarse = false } = {}) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) {
    return '—';
  }
  if (ms < 1000) {
    return coarse ? `${Math.max(0, Math.round(ms / 1000))} s` : `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return coarse ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(2)} s`;
  }
  if (ms < 3_600_000) {
    const minutes = Math.floor(ms / 60_000);
    const seconds = Math.round((ms % 60_000) / 1000);
    return seconds && !coarse ? `${minutes} min ${seconds} s` : `${minutes} min`;
  }
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.round((ms % 3_600_000) / 60_000);
  return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
}

/** The time between two instants, or "—". */
export function between(from, to) {
  if (!from || !to) {
    return '—';
  }
  return duration(Date.parse(to) - Date.parse(from));
}

/** A count with thousands separators; "—" when the API did not give it. */
export function count(value) {
  return value === null || value === undefined ? '—' : Number(value).toLocaleString('en-US');
}

/** JSON for reading, or the text as it is when it is not JSON. */
export function pretty(value) {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value !== 'string') {
    return JSON.stringify(value, null, 2);
  }
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}

/** Bytes as "512 B", "4.0 KB". */
export function bytes(n) {
  if (n === null || n === undefined) {
    return '—';
  }
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}
