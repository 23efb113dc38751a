// Destination deliveries: pending and parked per destination (the ones the functions name, every one deliveries
// were stored for, and any looked up by hand), parked deliveries with their last error, and redrive.
import { api } from '../api.js';
import { h, fill, update } from '../dom.js';
import { count, pretty } from '../format.js';
import { codeBlock, confirmAction, errorBox, field, functionLink, invocationLink, okBox, section, table } from '../ui.js';
import { functionRoutes } from '../redrive.js';
import { summaryOf } from './queues.js';

const lookedUp = new Set();

function destinationsOf(routes) {
  const byDestination = new Map();
  const add = (destination, fn, role) => {
    if (!destination) {
      return;
    }
    const list = byDestination.get(destination) ?? [];
    list.push({ fn, role });
    byDestination.set(destination, list);
  };
  for (const r of routes) {
    add(r.onSuccess, r.name, 'OnSuccess');
    for (const t of r.targets) {
      add(t.destination, r.name, t.source === 'dlq' ? 'dead-letter queue' : 'OnFailure');
    }
  }
  for (const d of lookedUp) {
    add(d, null, 'looked up');
  }
  return byDestination;
}

function parkedTable(parked) {
  return table(['Delivery', 'Request id', 'Condition', 'Attempts', 'Last error', 'Body'], parked.map((p) => {
    const m = p.message ?? {};
    return {
      attrs: { 'data-delivery': m.id },
      cells: [
        h('code', null, m.id ?? '—'),
        m.requestId ? invocationLink(m.requestId) : '—',
        m.condition ?? '—',
        count(p.attempts),
        p.lastError ? h('span', { class: 'text-bad' }, p.lastError) : '—',
        h('details', null, h('summary', null, summaryOf(String(m.body ?? ''))), codeBlock(pretty(m.body), 'Delivery body')),
      ],
    };
  }), { empty: 'Nothing parked.' });
}

function destinationPanel(destination, users, status, feedback) {
  const parkedCount = status.parkedCount ?? status.parked?.length ?? 0;
  const button = h('button', { type: 'button', class: 'primary', disabled: parkedCount === 0 }, `Redrive ${count(parkedCount)} parked`);
  button.addEventListener('click', async () => {
    const yes = await confirmAction({
      title: 'Redrive parked deliveries?',
      message: `Every parked delivery to ${destination} goes back to pending and is delivered again, with backoff while the target is down.`,
      confirm: 'Redrive',
    });
    if (!yes) {
      return;
    }
    button.disabled = true;
    try {
      const answer = await api('/destinations/redrive', { method: 'POST', params: { uri: destination } });
      fill(feedback, okBox(`${count(answer?.redriven)} deliveries moved back to pending.`));
    } catch (error) {
      fill(feedback, errorBox(error, 'Redrive'));
      button.disabled = false;
    }
  });
  return h('div', { class: `subpanel${parkedCount ? ' row-bad' : ''}`, 'data-destination': destination },
    h('h3', null, h('code', null, destination)),
    h('p', null, users.filter((u) => u.fn).map((u, i) => [i ? ', ' : '', functionLink(u.fn), ` (${u.role})`]),
      users.some((u) => u.fn) ? ' · ' : '',
      `${count(status.pending)} pending, `,
      h('strong', { class: parkedCount ? 'text-bad' : null }, `${count(parkedCount)} parked`),
      `, ${count(status.deliveryFailures)} failed delivery attempts`),
    parkedCount ? parkedTable(status.parked ?? []) : null,
    h('div', { class: 'actions' }, button),
    feedback);
}

export function destinations(root) {
  const list = h('div');
  const input = h('input', { type: 'text', name: 'destination', placeholder: 'queue://q, arn:aws:sqs:…, https://…', size: 50, spellcheck: 'false' });
  const message = h('div');
  const form = h('form', { class: 'toolbar', 'aria-label': 'Look up a destination' },
    field('Destination', input, 'Any destination not named by a function: a topic subscription, a rule target.'),
    h('button', { type: 'submit' }, 'Look up'));

  fill(root, h('h1', { tabindex: '-1' }, 'Destinations'), section('Deliveries', list), section('Look up', form, message));

  // What a redrive said outlives the panel's rebuild when the counts change.
  const feedbacks = new Map();
  const feedbackOf = (d) => {
    if (!feedbacks.has(d)) {
      feedbacks.set(d, h('div', { 'aria-live': 'polite' }));
    }
    return feedbacks.get(d);
  };

  async function refresh() {
    const byDestination = destinationsOf(await functionRoutes());
    // Every destination deliveries were stored for (topic subscriptions and rule targets too), by its canonical key.
    const stored = (await api('/destinations').catch(() => null))?.destinations ?? [];
    const named = [...byDestination];
    const namedAnswers = await Promise.all(named.map(([d]) => api('/destinations', { params: { uri: d } }).catch((error) => ({ error }))));
    const known = new Set(namedAnswers.map((a) => a.destination).filter(Boolean));
    const extra = stored.map((s) => s.destination).filter((d) => !known.has(d) && !byDestination.has(d));
    const extraAnswers = await Promise.all(extra.map((d) => api('/destinations', { params: { uri: d } }).catch((error) => ({ error }))));
    const unsorted = [...named, ...extra.map((d) => [d, [{ fn: null, role: 'deliveries stored' }]])];
    const answers = [...namedAnswers, ...extraAnswers];
    // What is stuck comes first: errors, then the most parked, then the most pending.
    const weight = (st) => (st.error ? 1e12 : (st.parkedCount ?? 0) * 1e6 + (st.pending ?? 0));
    const order = unsorted.map((_, i) => i).sort((a, b) => weight(answers[b]) - weight(answers[a]));
    const entries = order.map((i) => unsorted[i]);
    const statuses = order.map((i) => answers[i]);
    update(list, statuses.map((st, i) => [entries[i], st.error ? st.error.message : st]), () => (entries.length
      ? entries.map(([d, users], i) => (statuses[i].error
        ? h('div', { class: 'subpanel' }, h('h3', null, h('code', null, d)), errorBox(statuses[i].error))
        : destinationPanel(d, users, statuses[i], feedbackOf(d))))
      : h('p', { class: 'empty' }, 'No function names a destination. Look one up above.')));
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = input.value.trim();
    fill(message);
    if (!d) {
      return;
    }
    try {
      await api('/destinations', { params: { uri: d } });
      lookedUp.add(d);
      input.value = '';
      await refresh();
    } catch (error) {
      fill(message, errorBox(error, 'Look up'));
    }
  });

  return { refresh };
}
