// One invocation: what state it is in and why, its attempts on a time axis, the payload, the final record, and
// cancel / retry.
import { api } from '../api.js';
import { h, fill, update } from '../dom.js';
import { attemptBar } from '../charts.js';
import { FINAL, between, bytes, clock, outcomeBadge, pretty, statusBadge, time, timeCell } from '../format.js';
import { codeBlock, confirmAction, errorBox, facts, functionLink, link, okBox, section, table } from '../ui.js';
import { refreshNow } from '../app.js';

const enc = encodeURIComponent;

function headline(s) {
  const attempts = `${s.attempts} attempt${s.attempts === 1 ? '' : 's'}`;
  const error = s.lastError ? `${s.lastError.errorType}: ${s.lastError.errorMessage}` : null;
  switch (s.status) {
    case 'Succeeded':
      return `Succeeded after ${attempts}.`;
    case 'Failed':
      return `Failed after ${attempts}${s.condition ? ` (${s.condition})` : ''}${error ? ` — ${error}` : ''}.`;
    case 'Cancelled':
      return `Cancelled after ${attempts}.`;
    case 'WaitingForRetry':
      return `Waiting for a retry${s.nextAttemptAt ? ` due ${time(s.nextAttemptAt)}` : ''}; ${attempts} so far${error ? ` — last error ${error}` : ''}.`;
    case 'Throttled':
      return `Held back by reserved concurrency; next try ${time(s.nextAttemptAt)}.`;
    case 'Paused':
      return 'Held: the function is paused. It runs when the function is resumed.';
    case 'Running':
      return `Attempt ${s.attempts} is running${s.cancelRequested ? '; a cancel is requested and takes effect when it returns' : ''}.`;
    default:
      return `Due ${time(s.nextAttemptAt ?? s.receivedAt)}.`;
  }
}

function timeline(s) {
  const history = s.history ?? [];
  const times = [s.receivedAt, s.completedAt, s.nextAttemptAt, ...history.flatMap((e) => [e.dueAt, e.startedAt, e.finishedAt])]
    .filter(Boolean).map((t) => Date.parse(t));
  if (!FINAL.has(s.status)) {
    times.push(Date.now());
  }
  const range = { start: Math.min(...times), end: Math.max(...times) };
  const rows = history.map((e, i) => ({
    attrs: { 'data-attempt': e.attempt, 'data-outcome': e.outcome, class: `timeline-row outcome-row-${String(e.outcome).toLowerCase()}` },
    cells: [
      String(e.attempt),
      outcomeBadge(e.outcome),
      clock(e.dueAt),
      clock(e.startedAt),
      clock(e.finishedAt),
      e.dueAt ? between(e.dueAt, e.startedAt) : '—',
      e.outcome === 'Redriven' ? '—' : between(e.startedAt, e.finishedAt),
      attemptBar(range, e),
      e.errorType ? h('div', { class: 'attempt-error' }, h('strong', null, e.errorType), h('div', null, e.errorMessage ?? '')) : '—',
    ],
    key: i,
  }));
  if (!FINAL.has(s.status) && s.nextAttemptAt) {
    rows.push({
      attrs: { class: 'timeline-row pending-row' },
      cells: [String((s.attempts ?? 0) + 1), statusBadge(s.status), clock(s.nextAttemptAt), '—', '—', '—', '—',
        attemptBar(range, { startedAt: s.nextAttemptAt, finishedAt: s.nextAttemptAt, outcome: 'Next' }), 'next attempt due'],
    });
  }
  return h('div', null,
    h('p', { class: 'muted' }, `From ${time(new Date(range.start).toISOString())} to ${time(new Date(range.end).toISOString())} (${between(new Date(range.start).toISOString(), new Date(range.end).toISOString())}). Times of day in UTC. In each bar the thin part is the wait from due to start, the thick part the run.`),
    table(['#', 'Outcome', 'Due (UTC)', 'Started', 'Ended', 'Waited', 'Duration', 'Timeline', 'Error'], rows,
      { empty: 'No attempt has started yet.', className: 'timeline' }));
}

function actions(s, feedback) {
  const buttons = [];
  if (!FINAL.has(s.status)) {
    const cancel = h('button', { type: 'button', class: 'danger' }, 'Cancel invocation');
    cancel.addEventListener('click', async () => {
      const notify = h('input', { type: 'checkbox', id: 'notify' });
      const yes = await confirmAction({
        title: `Cancel ${s.requestId}?`,
        message: h('span', null,
          s.status === 'Running' ? 'An attempt is running: it is not torn down; the invocation ends Cancelled when it returns. ' : 'It ends Cancelled now and starts no further attempt. ',
          h('label', { class: 'inline' }, notify, ' Also send the record to OnFailure and the event to the dead-letter queue')),
        confirm: 'Cancel invocation',
        danger: true,
      });
      if (!yes) {
        return;
      }
      cancel.disabled = true;
      try {
        const answer = await api(`/invocations/${enc(s.requestId)}`, { method: 'DELETE', params: { notify: notify.checked ? 'true' : undefined } });
        fill(feedback, okBox(answer?.status === 'Cancelled' ? 'Cancelled.' : 'Cancel requested: it takes effect when the running attempt returns.'));
      } catch (error) {
        fill(feedback, errorBox(error, 'Cancel'));
      }
      cancel.disabled = false;
      await refreshNow();
    });
    buttons.push(cancel);
  }
  if (s.status === 'Failed' || s.status === 'Cancelled') {
    const retry = h('button', { type: 'button', class: 'primary' }, 'Retry now');
    retry.addEventListener('click', async () => {
      const yes = await confirmAction({
        title: `Retry ${s.requestId}?`,
        message: 'The same request id runs again at once, with its retry policy and event age starting afresh. Fix the function first if it would fail the same way.',
        confirm: 'Retry now',
      });
      if (!yes) {
        return;
      }
      retry.disabled = true;
      try {
        await api(`/invocations/${enc(s.requestId)}/retry`, { method: 'POST' });
        fill(feedback, okBox('Retry started: the invocation is due now.'));
      } catch (error) {
        fill(feedback, errorBox(error, 'Retry'));
      }
      retry.disabled = false;
      await refreshNow();
    });
    buttons.push(retry);
  }
  return buttons.length ? h('div', { class: 'actions' }, buttons) : null;
}

export function invocationDetail(root, [requestId]) {
  const head = h('div');
  const feedback = h('div', { 'aria-live': 'polite' });
  const controls = h('div');
  const summary = h('div');
  const attempts = h('div');
  const payload = h('div');
  const record = h('div');
  const crumbs = h('p', { class: 'crumbs' }, link('/invocations', 'Invocations'), ' / ', h('code', null, requestId));

  fill(root, crumbs, h('h1', { tabindex: '-1' }, 'Invocation ', h('code', { class: 'request-id' }, requestId)), head,
    h('div', { class: 'controls' }, controls, feedback), section('Details', summary), section('Attempts', attempts),
    section('Payload', payload), section('Final record', record));

  return {
    async refresh() {
      let s;
      try {
        s = await api(`/invocations/${enc(requestId)}`);
      } catch (error) {
        if (error.status === 404) {
          fill(head, errorBox(error, 'Not found'));
          fill(controls); fill(summary); fill(attempts); fill(payload); fill(record);
          return;
        }
        throw error;
      }
      update(crumbs, s.functionName, () => [link(`/invocations?function=${enc(s.functionName)}`, 'Invocations'), ' / ', functionLink(s.functionName), ' / ', h('code', null, requestId)]);
      update(head, [s.status, s.attempts, s.condition, s.lastError, s.nextAttemptAt, s.cancelRequested], () => h('div', { class: `headline tone-border-${s.status}` },
        statusBadge(s.status), ' ', h('span', { class: 'headline-text' }, headline(s))));
      update(controls, [s.status, s.requestId], () => actions(s, feedback));
      update(summary, { ...s, history: undefined, record: undefined, payloadPreview: undefined }, () => facts([
        ['Function', h('span', null, functionLink(s.functionName), s.qualifier && s.qualifier !== '$LATEST' ? ` : ${s.qualifier}` : '')],
        ['Status', statusBadge(s.status)],
        ['Condition', s.condition ?? '—'],
        ['Attempts', String(s.attempts ?? 0)],
        ['Throttles', String(s.throttles ?? 0)],
        ['Received', timeCell(s.receivedAt)],
        ['Next attempt', s.nextAttemptAt ? timeCell(s.nextAttemptAt) : '—'],
        ['Completed', s.completedAt ? timeCell(s.completedAt) : '—'],
        ['Redriven', s.redrivenAt ? timeCell(s.redrivenAt) : null],
        ['Cancel requested', s.cancelRequested ? 'yes — ends when the running attempt returns' : null],
        // The last error stays on the status after a later attempt succeeded: then it is history, not the state.
        [s.status === 'Succeeded' ? 'Earlier error' : 'Last error', s.lastError
          ? h('span', { class: s.status === 'Succeeded' ? 'muted' : 'text-bad' }, h('strong', null, s.lastError.errorType), ': ', s.lastError.errorMessage)
          : '—'],
        ['Trace id', s.traceId ? h('code', { class: 'trace-id' }, s.traceId) : '—'],
      ]));
      update(attempts, [s.history, s.status, s.nextAttemptAt], () => timeline(s));
      update(payload, [s.payloadPreview, s.payloadBytes], () => (s.payloadPreview === undefined
        ? h('p', { class: 'muted' }, 'This silo does not report a payload preview.')
        : s.payloadPreview === null
          ? h('p', { class: 'muted' }, `No preview (${bytes(s.payloadBytes)}).`)
          : h('div', null,
            h('p', { class: 'muted' }, `${bytes(s.payloadBytes)}${s.payloadBytes > 4096 ? ', first 4 KB shown' : ''}`),
            codeBlock(s.payloadBytes > 4096 ? s.payloadPreview : pretty(s.payloadPreview), 'Payload preview'))));
      update(record, s.record, () => (s.record
        ? codeBlock(pretty(s.record), 'Final record')
        : h('p', { class: 'muted' }, 'No record yet: it is written when the invocation ends.')));
    },
  };
}
