// @ts-check
// The API key, kept for this browser tab only (sessionStorage): closing the tab logs out.

const KEY = 'vigil.api_key';

/** @returns {string | null} */
export function storedKey() {
  return sessionStorage.getItem(KEY);
}

/** @param {string} key */
export function storeKey(key) {
  sessionStorage.setItem(KEY, key);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
}
