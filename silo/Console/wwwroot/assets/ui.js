// Pieces every view uses: error boxes, confirmations, tables, definition lists, links into the console.
import { h, fill } from './dom.js';

export const BASE = '/console';

/** A link inside the console (the router handles the click; the href works when opened in a new tab too). */
export function link(path, ...children) {
  return h('a', { href: `${BASE}${path}`, 'data-route': '' }, ...children);
}

export const functionLink = (name) => link(`/functions/${encodeURIComponent(name)}`, name);
export const invocationLink = (id, text = id) => link(`/invocations/${encodeURIComponent(id)}`, h('code', null, text));
export const queueLink = (name) => link(`/queues/${encodeURIComponent(name)}`, name);

/** What the API said, as it said it: errorType in bold, errorMessage after it. */
export function errorBox(error, context) {
  const type = error?.errorType ?? error?.name ?? 'Error';
  const message = error?.errorMessage ?? error?.message ?? String(error);
  return h('div', { class: 'error', role: 'alert' },
    h('strong', null, context ? `${context}: ` : '', type),
    h('span', null, ' — ', message),
    error?.status ? h('span', { class: 'muted' }, ` (HTTP ${error.status})`) : null);
}

/** A short confirmation of what an action did. */
export function okBox(text) {
  return h('div', { class: 'ok-note', role: 'status' }, h('span', { 'aria-hidden': 'true' }, '✓ '), text);
}

/** A heading and the key facts beside it. */
export function section(title, ...children) {
  return h('section', { class: 'panel', 'aria-label': title }, h('h2', null, title), ...children);
}

/** A table; rows are arrays of cells (text or elements). An empty list shows the empty text instead. */
export function table(headers, rows, { empty = 'Nothing here.', caption, className } = {}) {
  if (!rows.length) {
    return h('p', { class: 'empty' }, empty);
  }
  return h('div', { class: 'table-wrap' },
    h('table', { class: className },
      caption ? h('caption', null, caption) : null,
      h('thead', null, h('tr', null, headers.map((x) => h('th', { scope: 'col', class: x.numeric ? 'num' : null }, x.label ?? x)))),
      h('tbody', null, rows.map((row) => h('tr', row.attrs ?? null,
        (row.cells ?? row).map((cell, i) => h('td', { class: headers[i]?.numeric ? 'num' : null }, cell)))))));
}

/** Key facts as a definition list: [['Status', badge], ['Received', time], …]; null values are left out. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

/** Monospace, preformatted, scrollable: records and payloads. */
export function codeBlock(text, label) {
  return h('pre', { class: 'code', tabindex: '0', 'aria-label': label }, h('code', null, text));
}

let dialog;

/**
 * Asks before doing something that changes the system. Resolves true when confirmed. The dialog names what will
 * happen in words; Escape and Cancel both say no.
 */
export function confirmAction({ title, message, confirm = 'Confirm', danger = false }) {
  dialog ??= document.body.appendChild(h('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-title' }));
  return new Promise((resolve) => {
    const yes = h('button', { type: 'button', class: danger ? 'danger' : 'primary', value: 'yes' }, confirm);
    const no = h('button', { type: 'button', value: 'no' }, 'Cancel');
    const done = (answer) => {
      dialog.close();
      resolve(answer);
    };
    yes.addEventListener('click', () => done(true));
    no.addEventListener('click', () => done(false));
    dialog.oncancel = (e) => {
      e.preventDefault();
      done(false);
    };
    fill(dialog,
      h('h2', { id: 'confirm-title' }, title),
      h('p', null, message),
      h('div', { class: 'actions' }, no, yes));
    dialog.showModal();
    no.focus();
  });
}

/** A labelled form control. */
export function field(label, control, hint) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', null, hint) : null);
}

/** A select whose options are [value, text] pairs. */
export function select(options, value, attrs = {}) {
  return h('select', attrs, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
}
