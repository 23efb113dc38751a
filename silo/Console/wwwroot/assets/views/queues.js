// Built-in queues: depths, what each one is for, a look inside (peek: nothing is received), and the redrive of a
// function's dead-letter or failure queue back into the function.
import { api } from '../api.js';
import { h, fill, update } from '../dom.js';
import { count, pretty, time } from '../format.js';
import { codeBlock, errorBox, functionLink, invocationLink, link, queueLink, section, table } from '../ui.js';
import { functionRoutes, redrivePanel } from '../redrive.js';

const PEEK = 50;

/** Which functions send what to each queue: name -> [{ name, role }]. */
async function usage() {
  const byQueue = new Map();
  for (const r of await functionRoutes()) {
    for (const t of r.targets) {
      if (t.queue) {
        const list = byQueue.get(t.queue) ?? [];
        list.push({ name: r.name, source: t.source, role: t.source === 'dlq' ? 'dead-letter queue' : 'OnFailure records' });
        byQueue.set(t.queue, list);
      }
    }
  }
  return byQueue;
}

const depthOf = (q) => q.approximateDepth ?? q.depth ?? q.ApproximateNumberOfMessages;

export function queues(root) {
  const list = h('div');
  fill(root, h('h1', { tabindex: '-1' }, 'Queues'), list);
  return {
    async refresh() {
      const [all, used] = await Promise.all([api('/queues'), usage()]);
      const sorted = [...(all ?? [])].sort((a, b) => a.name.localeCompare(b.name));
      update(list, [sorted, [...used]], () => table(
        ['Queue', { label: 'Depth', numeric: true }, 'Used by'],
        sorted.map((q) => ({
          attrs: { 'data-queue': q.name, class: depthOf(q) > 0 && used.has(q.name) ? 'row-bad' : null },
          cells: [
            queueLink(q.name),
            count(depthOf(q)),
            used.has(q.name)
              ? h('ul', { class: 'plain' }, used.get(q.name).map((u) => h('li', null, functionLink(u.name), `: ${u.role}`)))
              : h('span', { class: 'muted' }, '—'),
          ],
        })),
        { empty: 'No queues yet.' }));
    },
  };
}

/** The request id a message belongs to: the dead-letter RequestID attribute, or the record's requestContext. */
function requestIdOf(message) {
  const attribute = message.attributes?.RequestID;
  if (attribute) {
    return typeof attribute === 'string' ? attribute : attribute.StringValue ?? attribute.stringValue ?? attribute.value ?? null;
  }
  try {
    return JSON.parse(message.body)?.requestContext?.requestId ?? null;
  } catch {
    return null;
  }
}

function attributeText(value) {
  return typeof value === 'string' ? value : value?.StringValue ?? value?.stringValue ?? value?.value ?? JSON.stringify(value);
}

/** One line for a message: a record's condition and error, or the start of the body. */
export function summaryOf(body) {
  try {
    const record = JSON.parse(body);
    const condition = record?.requestContext?.condition;
    if (condition) {
      const error = record.responsePayload?.errorType
        ? ` — ${record.responsePayload.errorType}: ${record.responsePayload.errorMessage ?? ''}`
        : '';
      return `record: ${condition}${error}`;
    }
  } catch {
    // not JSON: the body speaks for itself
  }
  return body.length > 80 ? `${body.slice(0, 80)}…` : body || '(empty)';
}

function messageRow(m) {
  const id = requestIdOf(m);
  const attributes = Object.entries(m.attributes ?? {}).filter(([k]) => k !== 'RequestID');
  const body = String(m.body ?? '');
  return {
    attrs: { 'data-message-id': m.messageId, 'data-request-id': id ?? '' },
    cells: [
      h('code', null, m.messageId),
      id ? invocationLink(id) : '—',
      time(m.sentAt),
      count(m.receiveCount),
      attributes.length ? h('dl', { class: 'attrs' }, attributes.map(([k, v]) => [h('dt', null, k), h('dd', null, attributeText(v))])) : '—',
      h('details', null, h('summary', null, summaryOf(body)), codeBlock(pretty(body), 'Message body')),
    ],
  };
}

export function queueDetail(root, [name]) {
  const depth = h('div');
  const redrives = h('div');
  const peek = h('div');
  let panels = [];
  let panelsKey = '';

  fill(root,
    h('p', { class: 'crumbs' }, link('/queues', 'Queues'), ' / ', name),
    h('h1', { tabindex: '-1' }, 'Queue ', name),
    depth,
    section('Redrive', redrives),
    section(`Messages (peek at the first ${PEEK}: nothing is received or hidden)`, peek));

  return {
    async refresh() {
      const [all, used, peeked] = await Promise.all([api('/queues'), usage(), api(`/queues/${encodeURIComponent(name)}/peek`, { params: { limit: PEEK } })]);
      const q = (all ?? []).find((x) => x.name === name);
      update(depth, q ?? null, () => (q
        ? h('p', { class: 'lead' }, h('strong', { 'data-depth': depthOf(q) }, `${count(depthOf(q))} message${depthOf(q) === 1 ? '' : 's'}`), ' in the queue')
        : errorBox({ errorType: 'QueueDoesNotExist', errorMessage: `No queue named ${name} is listed.` })));

      const users = used.get(name) ?? [];
      const key = JSON.stringify(users);
      if (key !== panelsKey) {
        panelsKey = key;
        panels = users.map((u) => ({ ...u, panel: redrivePanel(u.name, u.source, name) }));
        fill(redrives, panels.length
          ? panels.map((p) => h('div', { class: 'subpanel' }, h('h3', null, functionLink(p.name), `: ${p.role}`), p.panel.el))
          : h('p', { class: 'empty' }, 'No function sends its dead letters or failure records here, so there is nothing to redrive into.'));
      }
      await Promise.all(panels.map((p) => p.panel.refresh()));

      const messages = peeked?.messages ?? [];
      update(peek, messages, () => table(['Message id', 'Request id', 'Sent', 'Receives', 'Attributes', 'Body'], messages.map(messageRow),
        { empty: 'The queue is empty.' }));
    },
  };
}
