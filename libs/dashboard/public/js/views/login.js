// @ts-check
import { ApiError, apiGet } from '../api.js';
import { h } from '../dom.js';
import { storeKey } from '../session.js';

/**
 * Why a key was refused, in words.
 * @param {unknown} error
 */
function refusal(error) {
  if (!(error instanceof ApiError)) return 'Something went wrong; try again.';
  if (error.status === 401) return 'That API key was refused: it is unknown, revoked or expired.';
  if (error.status === 403) return 'That API key may not read monitoring data (it needs the read scope).';
  if (error.status === 0) return 'The controller could not be reached. Is it running?';
  return `The controller answered ${error.status}: ${error.message}`;
}

/**
 * The login form: the API key is tried against the API, then kept for this tab.
 * @param {{ message?: string, onLoggedIn: () => void }} options
 */
export function loginView({ message, onLoggedIn }) {
  const input = h('input', {
    id: 'api-key',
    name: 'api-key',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    placeholder: 'vk_…',
    'aria-describedby': 'api-key-help',
  });
  const alert = h('p', { id: 'login-message', class: message ? 'message' : 'message hidden', role: 'alert' }, message ?? '');
  const button = h('button', { type: 'submit', class: 'primary' }, 'Log in');
  const form = h(
    'form',
    {
      class: 'login',
      'aria-labelledby': 'login-title',
      onsubmit: async (/** @type {SubmitEvent} */ event) => {
        event.preventDefault();
        const key = input.value.trim();
        if (key === '') return;
        button.disabled = true;
        alert.className = 'message hidden';
        try {
          await apiGet('/api/v1/sites', { limit: 1 }, { key });
          storeKey(key);
          onLoggedIn();
        } catch (error) {
          alert.textContent = refusal(error);
          alert.className = 'message';
          input.focus();
          input.select();
        } finally {
          button.disabled = false;
        }
      },
    },
    h('h1', { id: 'login-title' }, 'Log in to Vigil'),
    alert,
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h(
      'p',
      { id: 'api-key-help', class: 'help' },
      'An API key with at least the read scope. It is kept only for this browser tab and forgotten when you log out or close it. ',
      'The first admin key is printed at the first start and kept in .data/admin.key.',
    ),
    button,
  );
  return { title: 'Log in', content: h('div', { class: 'login-page' }, form), focus: input };
}
