// Invocations of one function, newest first: filters, paging with the listing's next token, and a request-id
// search that jumps straight to the invocation.
import { api, listFunctions } from '../api.js';
import { h, fill, update } from '../dom.js';
import { statusBadge, timeCell } from '../format.js';
import { BASE, errorBox, field, invocationLink, select, table } from '../ui.js';
import { navigate } from '../app.js';

const STATES = [
  ['', 'any state'], ['pending', 'pending'], ['running', 'running'], ['retrying', 'waiting for retry'], ['throttled', 'throttled'],
  ['paused', 'paused'], ['succeeded', 'succeeded'], ['failed', 'failed'], ['cancelled', 'cancelled'],
];
const PAGE = 50;

export function invocations(root, _params, search) {
  let fn = search.get('function') ?? '';
  let state = search.get('state') ?? '';
  let tokens = [null];
  let lastNext = null;

  const fnSelect = select([[fn, fn || 'loading…']], fn, { name: 'function' });
  const stateSelect = select(STATES, state, { name: 'state' });
  const idInput = h('input', { type: 'search', name: 'requestId', placeholder: 'e.g. 3f2b…', spellcheck: 'false', autocomplete: 'off', size: 40 });
  const filters = h('form', { class: 'toolbar', role: 'search', 'aria-label': 'Filter invocations' },
    field('Function', fnSelect), field('State', stateSelect), h('button', { type: 'submit' }, 'Show'));
  const jump = h('form', { class: 'toolbar', role: 'search', 'aria-label': 'Find an invocation by request id' },
    field('Request id', idInput), h('button', { type: 'submit', class: 'primary' }, 'Open invocation'));
  const results = h('div');
  const pager = h('div', { class: 'pager' });
  const message = h('div');

  function pageNumber() {
    return tokens.length;
  }

  function setUrl() {
    const q = new URLSearchParams();
    if (fn) {
      q.set('function', fn);
    }
    if (state) {
      q.set('state', state);
    }
    const text = q.toString();
    history.replaceState(null, '', `${BASE}/invocations${text ? `?${text}` : ''}`);
  }

  // Filters and paging ask for a page at once, outside the 2 s rhythm: their errors are shown here.
  function reload() {
    fill(message);
    refresh().catch((error) => fill(message, errorBox(error, 'Invocations')));
  }

  function renderPager() {
    // Rebuilt only when it changes, so a focused button stays focused between refreshes.
    update(pager, [tokens.length, Boolean(lastNext)], () => {
      const first = h('button', { type: 'button', disabled: tokens.length === 1 }, '« First page');
      const next = h('button', { type: 'button', disabled: !lastNext }, 'Next page »');
      first.addEventListener('click', () => { tokens = [null]; reload(); });
      next.addEventListener('click', () => { tokens.push(lastNext); reload(); });
      return [first, h('span', null, ` Page ${pageNumber()} `), next];
    });
  }

  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    fn = fnSelect.value;
    state = stateSelect.value;
    tokens = [null];
    setUrl();
    reload();
  });
  fnSelect.addEventListener('change', () => filters.requestSubmit());
  stateSelect.addEventListener('change', () => filters.requestSubmit());
  jump.addEventListener('submit', (e) => {
    e.preventDefault();
    const id = idInput.value.trim();
    if (!id) {
      fill(message, errorBox({ errorType: 'InvalidParameterValueException', errorMessage: 'Enter a request id.' }));
      return;
    }
    navigate(`/invocations/${encodeURIComponent(id)}`);
  });

  fill(root, h('h1', { tabindex: '-1' }, 'Invocations'), jump, message, filters, results, pager);

  const loaded = listFunctions().then((all) => {
    const names = all.map((f) => f.FunctionName);
    if (!fn && names.length) {
      fn = names[0];
      setUrl();
    }
    fill(fnSelect, names.map((n) => h('option', { value: n, selected: n === fn }, n)));
    if (fn && !names.includes(fn)) {
      fnSelect.prepend(h('option', { value: fn, selected: true }, `${fn} (not found)`));
    }
  });

  async function refresh() {
    await loaded;
    if (!fn) {
      fill(results, h('p', { class: 'empty' }, 'No functions yet.'));
      return;
    }
    const asked = [fn, state, tokens.length];
    const page = await api('/invocations', { params: { function: fn, state, limit: PAGE, next: tokens[tokens.length - 1] } });
    if (asked.join('\n') !== [fn, state, tokens.length].join('\n')) {
      return; // the filters changed while this page was on its way: a newer request shows the right one
    }
    lastNext = page.next ?? null;
    renderPager();
    update(results, [fn, state, page.invocations], () => table(
      ['Request id', 'Status', 'Attempts', 'Condition', 'Received', 'Next attempt', 'Completed'],
      page.invocations.map((i) => ({
        attrs: { 'data-request-id': i.requestId },
        cells: [invocationLink(i.requestId), statusBadge(i.status), String(i.attempts ?? ''), i.condition ?? '—',
          timeCell(i.receivedAt), timeCell(i.nextAttemptAt), timeCell(i.completedAt)],
      })),
      {
        caption: `${fn}${state ? `, ${state}` : ''}: newest first, page ${pageNumber()}`,
        empty: `No ${state ? `${state} ` : ''}invocations of ${fn}${pageNumber() > 1 ? ' on this page' : ''}.${page.next ? ' More may follow on the next page.' : ''}`,
      }));
  }

  return { refresh };
}
