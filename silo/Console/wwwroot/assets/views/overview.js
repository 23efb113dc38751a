// The overview: the cluster's health, what needs attention, and every function's last hour.
import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { lineChart, sparkline, addSeries } from '../charts.js';
import { count, duration, time } from '../format.js';
import { functionLink, link, table } from '../ui.js';

const LAG_WARN_MS = 5000;

function lagCell(ms) {
  if (ms === null || ms === undefined) {
    return '—';
  }
  const late = ms > LAG_WARN_MS;
  return h('span', { class: `badge tone-${late ? 'warn' : 'ok'}` }, duration(ms), late ? ' behind' : ' (keeping up)');
}

function attention(stats) {
  const troubled = stats.functions.filter((f) => (f.failed ?? 0) > 0 || (f.dropped ?? 0) > 0);
  if (!troubled.length) {
    return h('p', { class: 'all-clear', role: 'status' }, h('span', { 'aria-hidden': 'true' }, '✓ '), 'No failed or dropped events in the last hour.');
  }
  return h('div', { class: 'attention', role: 'status' },
    h('h2', null, `Needs attention: ${troubled.length} function${troubled.length === 1 ? '' : 's'} failing`),
    h('ul', null, troubled.map((f) => h('li', null,
      functionLink(f.functionName), ': ',
      `${count(f.failed)} failed`, f.dropped ? `, ${count(f.dropped)} dropped` : '', ' in the last hour · ',
      link(`/invocations?function=${encodeURIComponent(f.functionName)}&state=failed`, 'see failed invocations')))));
}

export function overview(root) {
  const summary = h('div');
  const needs = h('div');
  const chart = h('div');
  const list = h('div');
  fill(root,
    h('h1', { tabindex: '-1' }, 'Overview'),
    summary,
    needs,
    h('section', { class: 'panel', 'aria-labelledby': 'rates' }, h('h2', { id: 'rates' }, 'All functions, events per minute'), chart),
    h('section', { class: 'panel', 'aria-labelledby': 'per-function' }, h('h2', { id: 'per-function' }, 'Functions, last hour'), list));

  return {
    async refresh() {
      const stats = await api('/stats');
      const functions = stats.functions ?? [];
      const cluster = stats.cluster ?? {};
      fill(summary, h('div', { class: 'cards' },
        card('Silos', count(cluster.silos)),
        card('Pending (cluster)', count(cluster.pending), 'accepted, not final'),
        card('Wake-up lag', lagCell(cluster.wakeUpLagMs), 'how late the earliest due wake-up is'),
        card('Window', `${stats.windowMinutes ?? 60} min`, `as of ${time(stats.at)}`)));
      fill(needs, attention({ functions }));

      const total = functions.reduce((acc, f) => addSeries(acc, f.series), {});
      const shown = Object.fromEntries(['received', 'succeeded', 'failed', 'dropped'].filter((n) => total[n]).map((n) => [n, total[n]]));
      fill(chart, Object.keys(shown).length ? lineChart(shown) : h('p', { class: 'empty' }, 'No series yet.'));

      const numeric = (label) => ({ label, numeric: true });
      // A per-function backlog is shown when the silo reports one; the cluster's is always in the cards above.
      const backlog = functions.some((f) => (f.pending ?? f.backlog) !== undefined);
      fill(list, table(
        ['Function', numeric('Received'), numeric('In flight'), numeric('Retrying'), numeric('Throttled'), numeric('Succeeded'),
          numeric('Failed'), numeric('Dropped'), backlog ? numeric('Backlog') : null, 'Last hour', { label: h('span', { class: 'visually-hidden' }, 'Links') }].filter((x) => x !== null),
        functions.map((f) => ({
          attrs: { class: (f.failed ?? 0) > 0 || (f.dropped ?? 0) > 0 ? 'row-bad' : null, 'data-function': f.functionName },
          cells: [
            functionLink(f.functionName),
            count(f.received),
            count(f.inFlight),
            count(f.retried ?? f.retrying),
            count(f.throttled),
            count(f.succeeded),
            h('span', { class: f.failed ? 'text-bad' : null }, count(f.failed)),
            h('span', { class: f.dropped ? 'text-bad' : null }, count(f.dropped)),
            backlog ? count(f.pending ?? f.backlog) : null,
            sparkline({ received: f.series?.received ?? [], failed: f.series?.failed ?? [] }),
            link(`/invocations?function=${encodeURIComponent(f.functionName)}`, 'Invocations'),
          ].filter((cell) => cell !== null),
        })),
        { empty: 'No function has had events in the last hour.' }));
    },
  };
}

function card(title, value, hint) {
  return h('div', { class: 'card' }, h('div', { class: 'card-title' }, title), h('div', { class: 'card-value' }, value), hint ? h('div', { class: 'card-hint' }, hint) : null);
}
