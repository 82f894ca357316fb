// @ts-check
// Calls to the management API with the session's API key. A 401 anywhere ends the session
// (onUnauthorized); other errors are thrown as ApiError with the API's code and message.

import { storedKey } from './session.js';

export class ApiError extends Error {
  /**
   * @param {number} status 0 when the controller could not be reached
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** @type {() => void} */
let unauthorized = () => undefined;

/**
 * What to do when the API refuses the key (the session's key was revoked or expired).
 * @param {() => void} handler
 */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

/** @typedef {Record<string, string | number | boolean | undefined>} Query */

/**
 * `GET path?query` with the session's key (or `key`), answering the parsed JSON body (typed
 * by the variable it is assigned to, with the shapes of src/api-types.ts).
 * @param {string} path
 * @param {Query} [query]
 * @param {{ key?: string, signal?: AbortSignal }} [options]
 * @returns {Promise<any>}
 */
export async function apiGet(path, query = {}, options = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const url = params.size > 0 ? `${path}?${params}` : path;
  const key = options.key ?? storedKey() ?? '';
  /** @type {Response} */
  let response;
  try {
    response = await fetch(url, { headers: { Authorization: `Bearer ${key}`, Accept: 'application/json' }, signal: options.signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'unreachable', 'The controller could not be reached');
  }
  if (response.ok) return response.json();
  const body = await response.json().catch(() => undefined);
  const error = new ApiError(response.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `HTTP ${response.status}`);
  // A key being tried on the login form is not the session's: the form says why itself.
  if (response.status === 401 && options.key === undefined) unauthorized();
  throw error;
}

/**
 * Every item of a list, following next_cursor, up to `maxPages` pages of `limit`.
 * @param {string} path
 * @param {Query} [query]
 * @param {{ maxPages?: number, signal?: AbortSignal }} [options]
 * @returns {Promise<any[]>}
 */
export async function apiList(path, query = {}, options = {}) {
  const { maxPages = 10, signal } = options;
  /** @type {unknown[]} */
  const items = [];
  /** @type {string | undefined} */
  let cursor;
  for (let page = 0; page < maxPages; page++) {
    /** @type {import('../../src/api-types').Page<unknown>} */
    const answer = await apiGet(path, { limit: 500, ...query, cursor }, { signal });
    items.push(...answer.data);
    if (answer.next_cursor === null) break;
    cursor = answer.next_cursor;
  }
  return items;
}
