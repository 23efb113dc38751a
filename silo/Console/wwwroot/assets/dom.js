// Building the DOM from data. Text always goes in as text nodes, attributes through setAttribute: nothing the API
// returns is ever parsed as HTML.

const SVG = 'http://www.w3.org/2000/svg';

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

function apply(el, attrs) {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

/** An HTML element: h('a', { href }, 'text', child, [more]). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** An SVG element, the same way. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const shown = new WeakMap();

/**
 * Rebuilds an element's content only when its data changed: a refresh every 2 s must not reset a selection, a
 * scrolled block or a focused button that shows the same thing.
 */
export function update(el, data, build) {
  const key = JSON.stringify(data) ?? 'undefined';
  if (shown.get(el) === key) {
    return el;
  }
  shown.set(el, key);
  el.replaceChildren();
  append(el, [build(data)]);
  return el;
}
