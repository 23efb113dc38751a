// Destination spellings, and the bulk redrive of a function's dead-letter or failure queue with its progress.
import { api, eventInvokeConfig, listFunctions, redriveJob } from './api.js';
import { h, fill, update } from './dom.js';
import { count, time } from './format.js';
import { confirmAction, errorBox, invocationLink, okBox } from './ui.js';

/** The built-in queue a destination names (queue://q, an SQS ARN, an SQS queue URL), or null. */
export function queueNameOf(destination) {
  if (!destination) {
    return null;
  }
  const text = String(destination);
  let m = text.match(/^queue:\/\/([A-Za-z0-9_.-]{1,256})$/);
  if (m) {
    return m[1];
  }
  m = text.match(/^arn:aws[a-z-]*:sqs:[^:]*:[^:]*:([A-Za-z0-9_.-]{1,256})$/);
  if (m) {
    return m[1];
  }
  m = text.match(/^https?:\/\/[^/]+\/\d+\/([A-Za-z0-9_.-]{1,256})$/);
  return m ? m[1] : null;
}

/** Where a function's failures go: [{ source: 'dlq'|'failure', destination, queue }]. */
export function failureTargets(configuration, eventConfig) {
  const targets = [];
  const dlq = configuration?.DeadLetterConfig?.TargetArn;
  if (dlq) {
    targets.push({ source: 'dlq', destination: dlq, queue: queueNameOf(dlq) });
  }
  const onFailure = eventConfig?.DestinationConfig?.OnFailure?.Destination;
  if (onFailure) {
    targets.push({ source: 'failure', destination: onFailure, queue: queueNameOf(onFailure) });
  }
  return targets;
}

let routes = null;
let routesAt = 0;
const ROUTES_TTL_MS = 15_000;

/**
 * Every function with where its records and dead letters go: [{ name, configuration, eventConfig, targets }].
 * Read from the functions' configurations; kept 15 s, as they rarely change.
 */
export async function functionRoutes({ fresh = false } = {}) {
  if (!fresh && routes && Date.now() - routesAt < ROUTES_TTL_MS) {
    return routes;
  }
  const all = await listFunctions();
  const configs = await Promise.all(all.map((f) => eventInvokeConfig(f.FunctionName).catch(() => null)));
  routes = all.map((f, i) => ({
    name: f.FunctionName,
    configuration: f,
    eventConfig: configs[i],
    targets: failureTargets(f, configs[i]),
    onSuccess: configs[i]?.DestinationConfig?.OnSuccess?.Destination ?? null,
  }));
  routesAt = Date.now();
  return routes;
}

function jobView(job) {
  if (!job) {
    return h('p', { class: 'muted' }, 'No redrive has run for this function yet.');
  }
  const done = (job.moved ?? 0) + (job.skipped ?? 0) + (job.failed ?? 0);
  const total = Math.max(job.total ?? 0, done);
  // A stopped redrive (a lost silo, a refused message) is taken up again by starting it once more.
  const tone = job.state === 'completed' ? (job.failed ? 'warn' : 'ok') : job.state === 'running' ? 'info' : job.state === 'stopped' ? 'warn' : 'bad';
  return h('div', { class: 'redrive-job', 'data-state': job.state },
    h('p', null,
      h('span', { class: `badge tone-${tone}` }, `Redrive ${job.state}`), ' ',
      `from ${job.source ?? '?'}${job.queue ? ` (queue ${job.queue})` : ''}: `,
      h('strong', null, `${count(job.moved)} moved`), `, ${count(job.skipped)} skipped, ${count(job.failed)} failed of ${count(job.total)}`),
    h('label', { class: 'progress-label' },
      h('span', { class: 'visually-hidden' }, 'Redrive progress'),
      h('progress', { max: total || 1, value: total ? done : job.state === 'completed' ? 1 : 0 }),
      ` ${total ? Math.round((done / total) * 100) : job.state === 'completed' ? 100 : 0}%`),
    h('p', { class: 'muted' }, `started ${time(job.startedAt)}`, job.completedAt ? ` · ended ${time(job.completedAt)}` : ''),
    job.movedRequestIds?.length
      ? h('div', { class: 'moved' }, h('span', null, 'Invocations retried: '),
        h('ul', { class: 'inline-list' }, job.movedRequestIds.slice(0, 20).map((id) => h('li', null, invocationLink(id)))),
        job.movedRequestIds.length > 20 ? h('span', { class: 'muted' }, ` and ${count(job.movedRequestIds.length - 20)} more`) : null)
      : null,
    job.error ? errorBox({ errorType: 'RedriveError', errorMessage: job.error }) : null,
    job.state === 'stopped' ? h('p', null, 'It stopped before the end: redrive again to move the rest (nothing is moved twice).') : null);
}

/**
 * A panel that redrives a function's dead letters (source 'dlq' or 'failure') back into it and follows the job.
 * The host view calls refresh() on its own refresh.
 */
export function redrivePanel(functionName, source, queue) {
  const status = h('div', { 'aria-live': 'polite' });
  const feedback = h('div', { 'aria-live': 'polite' });
  const what = source === 'dlq' ? 'dead-letter queue' : source === 'failure' ? 'OnFailure queue' : `queue ${source}`;
  const button = h('button', { type: 'button', class: 'primary' }, `Redrive into ${functionName}`);
  let running = false;

  button.addEventListener('click', async () => {
    const yes = await confirmAction({
      title: `Redrive ${functionName}'s ${what}?`,
      message: `Every message in ${queue ? `queue ${queue}` : `the ${what}`} is moved back: a message whose RequestID names a known invocation retries that invocation (same request id); any other is invoked as a new event.`,
      confirm: 'Redrive now',
    });
    if (!yes) {
      return;
    }
    button.disabled = true;
    try {
      const job = await api(`/functions/${encodeURIComponent(functionName)}/redrive`, { method: 'POST', body: { source } });
      fill(feedback, okBox(job?.total ? `Redrive started: ${count(job.total)} message(s) to move.` : 'Redrive started.'));
      show(job);
    } catch (error) {
      fill(feedback, errorBox(error, 'Redrive'));
    } finally {
      button.disabled = running;
    }
  });

  function show(job) {
    running = job?.state === 'running';
    button.disabled = running;
    update(status, job, jobView);
  }

  const el = h('div', { class: 'redrive' },
    h('p', null, `Move the messages of ${functionName}'s ${what}${queue ? ` (${queue})` : ''} back into the function, after fixing what made them fail.`),
    h('div', { class: 'actions' }, button),
    feedback,
    status);

  return {
    el,
    async refresh() {
      show(await redriveJob(functionName));
    },
  };
}
