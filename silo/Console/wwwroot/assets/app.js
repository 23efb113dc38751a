// The console's shell: session and login, client-side routes under /console, and the live refresh (every 2 s
// while the tab is visible) of whichever view is open.
import { api, whenUnauthorized } from './api.js';
import { h, fill } from './dom.js';
import { BASE, errorBox, field } from './ui.js';
import { relative } from './format.js';
import { overview } from './views/overview.js';
import { functions, functionDetail } from './views/functions.js';
import { invocations } from './views/invocations.js';
import { invocationDetail } from './views/invocation.js';
import { queues, queueDetail } from './views/queues.js';
import { destinations } from './views/destinations.js';

const REFRESH_MS = 2000;

const routes = [
  { pattern: /^\/?$/, view: overview, nav: 'overview', title: 'Overview' },
  { pattern: /^\/functions\/?$/, view: functions, nav: 'functions', title: 'Functions' },
  { pattern: /^\/functions\/([^/]+)\/?$/, view: functionDetail, nav: 'functions', title: 'Function' },
  { pattern: /^\/invocations\/?$/, view: invocations, nav: 'invocations', title: 'Invocations' },
  { pattern: /^\/invocations\/([^/]+)\/?$/, view: invocationDetail, nav: 'invocations', title: 'Invocation' },
  { pattern: /^\/queues\/?$/, view: queues, nav: 'queues', title: 'Queues' },
  { pattern: /^\/queues\/([^/]+)\/?$/, view: queueDetail, nav: 'queues', title: 'Queue' },
  { pattern: /^\/destinations\/?$/, view: destinations, nav: 'destinations', title: 'Destinations' },
];

const main = document.getElementById('main');
const live = document.getElementById('live');
const banner = document.getElementById('banner');
const account = document.getElementById('account');

let session = { authRequired: false, authenticated: false, name: null, role: null };
let current = null;
let timer = null;
let refreshing = null;
let generation = 0;

function setLive(state, text) {
  live.dataset.state = state;
  fill(live, h('span', { class: 'dot', 'aria-hidden': 'true' }), text);
}

async function refresh() {
  // A refresh still on its way for a page left behind does not hold back the first one of the page opened.
  if (!current?.refresh || refreshing === generation || document.hidden) {
    return;
  }
  const mine = generation;
  refreshing = mine;
  try {
    await current.refresh();
    if (mine === generation) {
      // Views rebuild only what changed; "12 s ago" changes on its own.
      for (const span of main.querySelectorAll('time[datetime] > .relative')) {
        span.textContent = ` (${relative(span.parentElement.getAttribute('datetime'))})`;
      }
      fill(banner);
      setLive('ok', `Live · updated ${new Date().toISOString().slice(11, 19)} UTC`);
    }
  } catch (error) {
    if (mine === generation && error.status !== 401) {
      fill(banner, errorBox(error, 'Refresh failed (showing the last data; trying again every 2 s)'));
      setLive('bad', 'Not updating');
    }
  } finally {
    if (refreshing === mine) {
      refreshing = null;
    }
  }
}

function schedule() {
  clearTimeout(timer);
  if (document.hidden) {
    setLive('paused', 'Paused while the tab is hidden');
    return;
  }
  timer = setTimeout(async () => {
    await refresh();
    schedule();
  }, REFRESH_MS);
}

function markNav(name) {
  for (const a of document.querySelectorAll('#nav a[data-nav]')) {
    if (a.dataset.nav === name) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  }
}

async function render() {
  generation++;
  current?.dispose?.();
  current = null;
  fill(banner);
  const path = decodeURI(location.pathname).replace(/^\/console/, '') || '/';
  const route = routes.find((r) => r.pattern.test(path));
  if (!route) {
    markNav(null);
    fill(main, h('h1', null, 'Not found'), h('p', null, 'No console page has this address. ', h('a', { href: BASE, 'data-route': '' }, 'Go to the overview.')));
    return;
  }
  const params = path.match(route.pattern).slice(1).map((p) => decodeURIComponent(p));
  markNav(route.nav);
  document.title = `${route.title}${params[0] ? ` ${params[0]}` : ''} · AsyncInvoke console`;
  fill(main);
  current = route.view(main, params, new URLSearchParams(location.search)) ?? {};
  await refresh();
  main.querySelector('h1')?.focus({ preventScroll: true });
  schedule();
}

/** Moves to a console path without reloading the page. */
export function navigate(path, { replace = false } = {}) {
  const url = path.startsWith(BASE) ? path : `${BASE}${path}`;
  if (replace) {
    history.replaceState(null, '', url);
  } else {
    history.pushState(null, '', url);
  }
  render();
}

/** Asks every view to refresh now, e.g. after an action changed something. */
export function refreshNow() {
  return refresh();
}

function showAccount() {
  if (!session.authRequired || !session.authenticated) {
    fill(account, session.authRequired ? '' : h('span', { class: 'muted' }, 'Open access (no API key configured)'));
    return;
  }
  const out = h('button', { type: 'button', class: 'link-button' }, 'Sign out');
  out.addEventListener('click', async () => {
    try {
      await api('/console/logout', { method: 'POST' });
    } catch (error) {
      fill(banner, errorBox(error, 'Sign out'));
      return;
    }
    session.authenticated = false;
    showLogin();
  });
  fill(account, h('span', null, 'Signed in as ', h('strong', null, session.name ?? 'key'), session.role ? ` (${session.role})` : ''), ' ', out);
}

/**
 * The silo sends a browser that opens a protected page (the Orleans Dashboard) without a session to
 * /console/?signin=<that path>: once signed in, it goes back there. Only a path on this origin is followed.
 * Returns true when the browser is leaving the console for it.
 */
function returnAfterSignIn() {
  const back = new URLSearchParams(location.search).get('signin');
  if (back === null) {
    return false;
  }
  if (/^\/(?![/\\])/.test(back)) {
    if (back === BASE || back.startsWith(`${BASE}/`) || back.startsWith(`${BASE}?`)) {
      history.replaceState(null, '', back);
      return false;
    }
    location.assign(back);
    return true;
  }
  history.replaceState(null, '', BASE);
  return false;
}

function showLogin(reason) {
  generation++;
  current?.dispose?.();
  current = null;
  clearTimeout(timer);
  markNav(null);
  setLive('paused', 'Signed out');
  showAccount();
  document.title = 'Sign in · AsyncInvoke console';
  const key = h('input', { type: 'password', name: 'apiKey', autocomplete: 'current-password', spellcheck: 'false' });
  // A silo configured with SigV4 credentials only has no API key to give: its access key signs in too.
  const accessKeyId = h('input', { type: 'text', name: 'accessKeyId', autocomplete: 'username', spellcheck: 'false' });
  const secret = h('input', { type: 'password', name: 'secretAccessKey', autocomplete: 'current-password', spellcheck: 'false' });
  const message = h('div', { 'aria-live': 'polite' }, reason ? errorBox(reason) : null);
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'login panel', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title', tabindex: '-1' }, 'Sign in'),
    h('p', null, 'This silo requires an API key. The key is sent once; the session is kept in an HttpOnly cookie.'),
    field('API key', key),
    h('details', { class: 'alternative' },
      h('summary', null, 'Sign in with an AWS access key instead'),
      field('Access key id', accessKeyId),
      field('Secret access key', secret)),
    message,
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = key.value
      ? { apiKey: key.value }
      : accessKeyId.value
        ? { accessKeyId: accessKeyId.value.trim(), secretAccessKey: secret.value }
        : null;
    fill(message);
    if (!body) {
      fill(message, errorBox({ errorType: 'MissingCredential', errorMessage: 'Enter an API key, or an access key id and its secret.' }));
      key.focus();
      return;
    }
    submit.disabled = true;
    try {
      const who = await api('/console/login', { method: 'POST', body });
      session = { authRequired: true, authenticated: true, name: who?.name ?? null, role: who?.role ?? null };
      showAccount();
      if (!returnAfterSignIn()) {
        await render();
      }
    } catch (error) {
      fill(message, errorBox(error, 'Sign in failed'));
      (body.apiKey ? key : secret).select();
    } finally {
      submit.disabled = false;
    }
  });
  fill(banner);
  fill(main, form);
  key.focus();
}

async function start() {
  document.addEventListener('click', (e) => {
    const a = e.target.closest?.('a[data-route]');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
      return;
    }
    e.preventDefault();
    navigate(a.getAttribute('href'));
  });
  window.addEventListener('popstate', render);
  // A request id from an alert or a log line opens from every page.
  document.getElementById('find').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = document.getElementById('find-id');
    const id = input.value.trim();
    if (id) {
      input.value = '';
      navigate(`/invocations/${encodeURIComponent(id)}`);
    }
  });
  document.addEventListener('visibilitychange', async () => {
    if (!document.hidden) {
      await refresh();
    }
    schedule();
  });
  whenUnauthorized((error) => {
    if (session.authRequired || error.errorType === 'UnauthorizedException') {
      session.authRequired = true;
      session.authenticated = false;
      showLogin(error);
    }
  });

  try {
    session = { ...session, ...(await api('/console/session')) };
  } catch (error) {
    if (error.status !== 401) {
      fill(banner, errorBox(error, 'Could not read the session'));
    }
  }
  showAccount();
  if (session.authRequired && !session.authenticated) {
    showLogin();
    return;
  }
  if (!returnAfterSignIn()) {
    await render();
  }
}

start();
