// @ts-check
// The dashboard's shell: the client router, the login gate, the header and live updates.

import { ApiError, onUnauthorized } from './api.js';
import { problem } from './components.js';
import { replaceChildren } from './dom.js';
import { clock } from './format.js';
import { startPolling } from './poll.js';
import { HOME, matchRoute } from './routes.js';
import { forgetKey, storedKey } from './session.js';
import { checkView } from './views/check.js';
import { eventView } from './views/event.js';
import { eventsView } from './views/events.js';
import { loginView } from './views/login.js';
import { maintenanceView } from './views/maintenance.js';
import { checkReportView, siteReportView } from './views/report.js';
import { runnersView } from './views/runners.js';
import { siteView } from './views/site.js';
import { sitesView } from './views/sites.js';

/** @typedef {import('./views/view.js').View} View */
/** @typedef {{ message?: string, next?: string }} LoginState */

/** @type {Record<Exclude<import('./routes.js').RouteName, 'login'>, View>} */
const VIEWS = {
  sites: sitesView,
  site: siteView,
  check: checkView,
  events: eventsView,
  event: eventView,
  runners: runnersView,
  maintenance: maintenanceView,
  'site-report': siteReportView,
  'check-report': checkReportView,
};

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const topbar = /** @type {HTMLElement} */ (document.getElementById('topbar'));
const liveStatus = /** @type {HTMLElement} */ (document.getElementById('live-status'));
const logoutButton = /** @type {HTMLButtonElement} */ (document.getElementById('logout'));

/** @type {{ stop(): void, refresh(): void } | undefined} */
let poller;
/** Bumped on every navigation, so that a slow answer for a page left behind is dropped. */
let generation = 0;

/**
 * @param {string} path
 * @param {{ replace?: boolean, state?: LoginState }} [options]
 */
function navigate(path, options = {}) {
  const method = options.replace ? 'replaceState' : 'pushState';
  history[method](options.state ?? null, '', path);
  void route();
}

/** @param {string} text */
function setLive(text) {
  liveStatus.textContent = text;
}

/**
 * @param {string} title
 */
function setTitle(title) {
  document.title = `${title} · Vigil`;
}

/** The header link each route belongs under. */
const SECTIONS = { sites: 'sites', site: 'sites', check: 'sites', events: 'events', event: 'events', runners: 'runners', maintenance: 'maintenance', 'site-report': 'sites', 'check-report': 'sites' };

/**
 * @param {keyof typeof SECTIONS} name the route drawn, whose header link is marked current
 */
function showChrome(name) {
  topbar.hidden = false;
  for (const anchor of topbar.querySelectorAll('nav a')) {
    if (anchor.getAttribute('data-route') === SECTIONS[name]) anchor.setAttribute('aria-current', 'page');
    else anchor.removeAttribute('aria-current');
  }
}

/** @param {LoginState} [state] */
function showLogin(state = {}) {
  poller?.stop();
  poller = undefined;
  topbar.hidden = true;
  const { title, content, focus } = loginView({
    message: state.message,
    onLoggedIn: () => navigate(state.next && matchRoute(new URL(state.next, location.origin).pathname) ? state.next : HOME, { replace: true }),
  });
  setTitle(title);
  replaceChildren(main, content);
  focus.focus();
}

async function route() {
  generation += 1;
  const mine = generation;
  poller?.stop();
  poller = undefined;
  const url = new URL(location.href);
  const match = url.pathname === '/' ? undefined : matchRoute(url.pathname);
  if (match?.name === 'login') {
    if (storedKey()) navigate(HOME, { replace: true });
    else showLogin(/** @type {LoginState | null} */ (history.state) ?? {});
    return;
  }
  if (!storedKey()) {
    navigate('/login', { replace: true, state: { next: `${url.pathname}${url.search}` } });
    return;
  }
  if (match === undefined) {
    navigate(HOME, { replace: true });
    return;
  }
  const view = VIEWS[match.name];
  showChrome(match.name);
  let first = true;
  main.setAttribute('aria-busy', 'true');
  poller = startPolling(
    async () => {
      try {
        const rendered = await view({ params: match.params, url: new URL(location.href), now: Date.now(), navigate, refresh: () => poller?.refresh() });
        if (mine !== generation) return;
        setTitle(rendered.title);
        replaceChildren(main, rendered.content);
        setLive(`Live · updated ${clock(Date.now(), true)}`);
        if (first) main.focus({ preventScroll: true });
      } catch (error) {
        if (mine !== generation) return;
        if (error instanceof ApiError && error.status === 401) return; // onUnauthorized has taken over
        const message = error instanceof Error ? error.message : String(error);
        if (first) {
          const notFound = error instanceof ApiError && (error.status === 404 || error.status === 400);
          setTitle(notFound ? 'Not found' : 'Error');
          replaceChildren(main, notFound ? problem('Not found', 'Nothing here: it may have been deleted.') : problem('This page could not be loaded', `${message}. Retrying…`));
        }
        setLive(`Update failed: ${message}; retrying`);
      } finally {
        if (mine === generation) {
          first = false;
          main.removeAttribute('aria-busy');
        }
      }
    },
    {
      onState: (state) => {
        if (state === 'paused') setLive('Paused while this tab is hidden');
      },
    },
  );
}

onUnauthorized(() => {
  const url = new URL(location.href);
  forgetKey();
  navigate('/login', {
    replace: true,
    state: { message: 'Your API key was refused (it may have been revoked or expired). Log in again.', next: `${url.pathname}${url.search}` },
  });
});

logoutButton.addEventListener('click', () => {
  forgetKey();
  navigate('/login', { replace: true, state: { message: 'You are logged out.' } });
});

// Links inside the dashboard are followed without a page load; others (the public status
// page, the API) load as usual.
document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = event.target instanceof Element ? event.target.closest('a') : null;
  if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
  const url = new URL(anchor.href, location.href);
  if (url.origin !== location.origin || !matchRoute(url.pathname)) return;
  event.preventDefault();
  navigate(`${url.pathname}${url.search}${url.hash}`);
  window.scrollTo(0, 0);
});

window.addEventListener('popstate', () => void route());
void route();
