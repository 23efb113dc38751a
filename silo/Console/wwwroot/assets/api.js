// Every call the console makes goes through here: the console header (the session cookie counts only with it),
// same-origin credentials, and errors turned into ApiError with the API's own errorType and errorMessage.

/** An answer that was not 2xx, in the API's words. */
export class ApiError extends Error {
  constructor(status, errorType, errorMessage, path) {
    super(errorMessage);
    this.name = 'ApiError';
    this.status = status;
    this.errorType = errorType;
    this.errorMessage = errorMessage;
    this.path = path;
  }
}

let onUnauthorized = () => {};

/** Called with the error whenever the API answers 401 (the session ended or was never opened). */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function errorOf(response, path) {
  const text = await response.text().catch(() => '');
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the status line is all there is
  }
  // The control routes answer {errorType, errorMessage}; the Lambda routes Lambda's {__type, message}.
  const type = body?.errorType ?? response.headers.get('x-amzn-errortype') ?? body?.__type ?? `HTTP ${response.status}`;
  const message = body?.errorMessage ?? body?.message ?? body?.Message
    ?? (text && text.length < 500 ? text : `${response.status} ${response.statusText}`.trim());
  return new ApiError(response.status, String(type).replace(/^.*#/, '').replace(/:.*$/, ''), String(message), path);
}

/**
 * Calls the API: api('/invocations', { query: { function: 'fail' } }), api('/x', { method: 'POST', body: {...} }).
 * Resolves to the parsed JSON (or null for an empty answer); rejects with ApiError.
 */
export async function api(path, { method = 'GET', body, params } = {}) {
  const url = `${path}${query(params)}`;
  const headers = { 'X-AsyncInvoke-Console': '1', Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, 'NetworkError', `The silo did not answer (${error.message}).`, url);
  }
  if (!response.ok) {
    const error = await errorOf(response, url);
    // No session: 401 on the control routes, Lambda's 403 MissingAuthenticationTokenException on its own. A refused
    // sign-in is the login form's own error, not a session that ended.
    if ((response.status === 401 || error.errorType === 'MissingAuthenticationTokenException') && !path.startsWith('/console/')) {
      onUnauthorized(error);
    }
    throw error;
  }
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** Lambda's ListFunctions, every page. */
export async function listFunctions() {
  const functions = [];
  let marker;
  do {
    const page = await api('/2015-03-31/functions', { params: { Marker: marker, MaxItems: 50 } });
    functions.push(...(page?.Functions ?? []));
    marker = page?.NextMarker;
  } while (marker);
  return functions.sort((a, b) => a.FunctionName.localeCompare(b.FunctionName));
}

/** The $LATEST event-invoke-config, or null when the function has none (Lambda answers 404 then). */
export async function eventInvokeConfig(name) {
  try {
    return await api(`/2019-09-25/functions/${encodeURIComponent(name)}/event-invoke-config`);
  } catch (error) {
    if (error.status === 404) {
      return null;
    }
    throw error;
  }
}

/** The latest bulk redrive job of a function, or null when it has never had one. */
export async function redriveJob(name) {
  try {
    return await api(`/functions/${encodeURIComponent(name)}/redrive`);
  } catch (error) {
    if (error.status === 404) {
      return null;
    }
    throw error;
  }
}
