// Functions: the list, and one function's configuration, event-invoke-config, destinations, concurrency, pause,
// last hour and latest invocations.
import { api, listFunctions, eventInvokeConfig } from '../api.js';
import { h, fill, update } from '../dom.js';
import { lineChart } from '../charts.js';
import { count, statusBadge, time, timeCell } from '../format.js';
import { confirmAction, errorBox, okBox, facts, functionLink, invocationLink, link, queueLink, section, table } from '../ui.js';
import { failureTargets, queueNameOf, redrivePanel } from '../redrive.js';
import { refreshNow } from '../app.js';

const enc = encodeURIComponent;

export function functions(root) {
  const list = h('div');
  fill(root, h('h1', { tabindex: '-1' }, 'Functions'), list);
  return {
    async refresh() {
      const all = await listFunctions();
      update(list, all, () => table(
        ['Function', 'Package', 'Timeout', 'Memory', 'Dead-letter queue', 'Last modified', ''],
        all.map((f) => ({
          attrs: { 'data-function': f.FunctionName },
          cells: [
            h('div', null, functionLink(f.FunctionName), f.Description ? h('div', { class: 'muted' }, f.Description) : null),
            f.Runtime ? `${f.Runtime} · ${f.Handler ?? ''}` : f.PackageType ?? '—',
            `${f.Timeout} s`,
            `${f.MemorySize} MB`,
            destinationCell(f.DeadLetterConfig?.TargetArn),
            f.LastModified ?? '—',
            link(`/invocations?function=${enc(f.FunctionName)}`, 'Invocations'),
          ],
        })),
        { empty: 'No functions. Create one with the Lambda API (CreateFunction).' }));
    },
  };
}

/** A destination, linked to its queue when it is a built-in queue. */
export function destinationCell(destination) {
  if (!destination) {
    return h('span', { class: 'muted' }, 'none');
  }
  const queue = queueNameOf(destination);
  return queue ? h('span', null, queueLink(queue), h('div', { class: 'muted small' }, destination)) : h('code', null, destination);
}

function pauseControl(name, paused, feedback, after) {
  const button = h('button', { type: 'button', class: paused ? 'primary' : 'danger', 'aria-pressed': String(paused) },
    paused ? 'Resume asynchronous processing' : 'Pause asynchronous processing');
  button.addEventListener('click', async () => {
    const yes = await confirmAction(paused
      ? { title: `Resume ${name}?`, message: 'Every held event becomes due at once and runs.', confirm: 'Resume' }
      : { title: `Pause ${name}?`, message: 'Events are still accepted and stored, but no attempt starts until you resume. Their maximum age keeps running.', confirm: 'Pause', danger: true });
    if (!yes) {
      return;
    }
    button.disabled = true;
    try {
      const answer = await api(`/functions/${enc(name)}/async`, { method: 'PUT', body: { paused: !paused } });
      fill(feedback, okBox(answer?.paused ? `${name} is paused.` : `${name} is running again.`));
    } catch (error) {
      fill(feedback, errorBox(error, paused ? 'Resume' : 'Pause'));
      button.disabled = false;
      return;
    }
    // Shows the new state now; a refresh that fails here is reported by the live refresh like any other.
    await after();
  });
  return h('div', { class: 'pause' },
    h('p', null, 'Asynchronous processing: ', paused
      ? h('span', { class: 'badge tone-warn' }, '⏸ Paused — events are held')
      : h('span', { class: 'badge tone-ok' }, '▶ Running')),
    button);
}

export function functionDetail(root, [name]) {
  const head = h('div');
  const feedback = h('div', { 'aria-live': 'polite' });
  const pause = h('div');
  const config = h('div');
  const invokeConfig = h('div');
  const chart = h('div');
  const recent = h('div');
  const redrives = h('div');
  let panels = [];
  let panelsKey = '';

  fill(root,
    h('p', { class: 'crumbs' }, link('/functions', 'Functions'), ' / ', name),
    h('h1', { tabindex: '-1' }, name),
    head,
    section('Pause / resume', pause, feedback),
    section('Last hour', chart),
    section('Dead letters', redrives),
    section('Latest invocations', recent),
    section('Configuration', config),
    section('Retries and destinations (event-invoke-config, $LATEST)', invokeConfig));

  async function refresh() {
    const [fn, eventConfig, asyncState, stats, page] = await Promise.all([
      api(`/2015-03-31/functions/${enc(name)}`),
      eventInvokeConfig(name),
      api(`/functions/${enc(name)}/async`),
      api('/stats').catch((error) => ({ error })),
      api('/invocations', { params: { function: name, limit: 10 } }),
    ]);
    const c = fn.Configuration ?? {};
    update(head, [c.Description, c.FunctionArn], () => h('p', { class: 'muted' }, c.Description || '', c.Description ? ' · ' : '', h('code', null, c.FunctionArn ?? '')));
    update(pause, asyncState.paused, () => pauseControl(name, asyncState.paused, feedback, refreshNow));

    const reserved = fn.Concurrency?.ReservedConcurrentExecutions;
    update(config, [c, fn.Code, reserved], () => facts([
      ['Target / package', fn.Code?.ImageUri ? h('code', null, fn.Code.ImageUri) : c.Runtime ? `${c.Runtime}, handler ${c.Handler}` : c.PackageType],
      ['Timeout', `${c.Timeout} s`],
      ['Memory', `${c.MemorySize} MB`],
      ['Reserved concurrency', reserved === undefined ? 'unreserved (no limit)' : reserved === 0
        ? h('span', { class: 'badge tone-bad' }, '0 — every event goes straight to ZeroReservedConcurrency')
        : String(reserved)],
      ['Dead-letter queue', destinationCell(c.DeadLetterConfig?.TargetArn)],
      ['Environment', c.Environment?.Variables ? `${Object.keys(c.Environment.Variables).join(', ')} (values not shown)` : 'none'],
      ['Code SHA-256', h('code', null, c.CodeSha256 ?? '—')],
      ['Last modified', c.LastModified ?? '—'],
      ['Version', c.Version ?? '$LATEST'],
    ]));

    update(invokeConfig, eventConfig, () => facts([
      ['Maximum retry attempts', eventConfig?.MaximumRetryAttempts !== undefined ? String(eventConfig.MaximumRetryAttempts) : '2 (default)'],
      ['Maximum event age', eventConfig?.MaximumEventAgeInSeconds !== undefined ? `${eventConfig.MaximumEventAgeInSeconds} s` : '21600 s (default, 6 h)'],
      ['On success', destinationCell(eventConfig?.DestinationConfig?.OnSuccess?.Destination)],
      ['On failure', destinationCell(eventConfig?.DestinationConfig?.OnFailure?.Destination)],
      ['Last modified', eventConfig?.LastModified ? time(eventConfig.LastModified * 1000) : eventConfig ? '—' : 'no event-invoke-config: defaults apply'],
    ]));

    const mine = stats.error ? null : (stats.functions ?? []).find((f) => f.functionName === name);
    update(chart, stats.error ? { error: stats.error.message } : mine ?? null, () => (stats.error
      ? errorBox(stats.error, 'Statistics')
      : mine
        ? h('div', null,
          h('p', null, `${count(mine.received)} received, ${mine.pending !== undefined ? `${count(mine.pending)} in the backlog, ` : ''}${count(mine.inFlight)} in flight, ${count(mine.retried)} retried, ${count(mine.throttled)} throttled, ${count(mine.succeeded)} succeeded, ${count(mine.failed)} failed, ${count(mine.dropped)} dropped${mine.cancelled ? `, ${count(mine.cancelled)} cancelled` : ''}${mine.redriven ? `, ${count(mine.redriven)} redriven` : ''}`),
          lineChart({ received: mine.series?.received ?? [], succeeded: mine.series?.succeeded ?? [], failed: mine.series?.failed ?? [], dropped: mine.series?.dropped ?? [] }))
        : h('p', { class: 'empty' }, 'No events in the last hour.')));

    update(recent, page.invocations, (items) => h('div', null,
      table(['Request id', 'Status', 'Attempts', 'Received', 'Completed'], items.map((i) => [
        invocationLink(i.requestId), statusBadge(i.status), String(i.attempts ?? ''), timeCell(i.receivedAt), timeCell(i.completedAt),
      ]), { empty: 'No invocations stored for this function.' }),
      h('p', null, link(`/invocations?function=${enc(name)}`, 'All invocations of this function'))));

    const targets = failureTargets(c, eventConfig).filter((t) => t.queue);
    const key = JSON.stringify(targets);
    if (key !== panelsKey) {
      panelsKey = key;
      panels = targets.map((t) => ({ ...t, panel: redrivePanel(name, t.source, t.queue) }));
      fill(redrives, panels.length
        ? panels.map((p) => h('div', { class: 'subpanel' }, h('h3', null, `${p.source === 'dlq' ? 'Dead-letter queue' : 'OnFailure queue'}: `, queueLink(p.queue)), p.panel.el))
        : h('p', { class: 'empty' }, 'This function has no dead-letter or OnFailure queue.'));
    }
    // A function has one redrive at a time: both panels follow its latest job, whichever queue it drains.
    await Promise.all(panels.map((p) => p.panel.refresh()));
  }

  return { refresh };
}
