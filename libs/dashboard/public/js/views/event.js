// @ts-check
import { ApiError, apiGet } from '../api.js';
import { badge, eventLabel, facts, link, pageHeader, section, table, timeAgo } from '../components.js';
import { h } from '../dom.js';
import { dateTime, duration, statusLabel, words } from '../format.js';
import { paths } from '../routes.js';

/**
 * @typedef {import('../../../src/api-types').EventDetail} EventDetail
 * @typedef {import('../../../src/api-types').Site} Site
 * @typedef {import('../../../src/api-types').Check} Check
 * @typedef {import('../../../src/api-types').Notification} Notification
 * @typedef {import('../../../src/api-types').NotificationDetail} NotificationDetail
 */

/**
 * @typedef {import('../../../src/api-types').EventSummary} EventSummary
 */

/** What an event of each kind is, for its page's title; an outage is named by its state. */
const EVENT_TITLES = /** @type {Record<string, string>} */ ({
  unknown: 'No data (unknown spell)',
  runner_offline: 'Runner offline',
  cert_expiring: 'Certificate expiring',
});

/** Why an event of a kind that is not an outage exists: said once on its page. */
const EVENT_MEANINGS = /** @type {Record<string, string>} */ ({
  unknown:
    'Too few locations had a recent, conclusive result to tell up from down. This time is left out of uptime; nothing was notified.',
  runner_offline: 'Nothing was heard from this runner: checks relying on its location may have gone unknown, and outages they opened link here.',
});

/**
 * Another event in a line: a link with its kind and state, where, and when.
 * @param {EventSummary} event
 * @param {number} now
 */
function eventMention(event, now) {
  const ended = event.ended_at === null ? now : Date.parse(event.ended_at);
  return h(
    'span',
    { class: 'event-mention' },
    link(paths.event(event.id), eventLabel(event), { 'data-event-id': event.id, 'data-event-type': event.type }),
    event.location ? ` at ${event.location}` : '',
    ` · started ${dateTime(event.started_at)} · ${event.ended_at === null ? 'open for' : 'lasted'} ${duration(ended - Date.parse(event.started_at))}`,
  );
}

/** Notifications whose attempts are fetched; an event rarely has more. */
const MAX_NOTIFICATIONS = 25;

/**
 * A value of an event's metadata as text.
 * @param {unknown} value
 */
function metadataValue(value) {
  if (Array.isArray(value) && value.length === 0) return 'none';
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object')) return value.join(', ');
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/**
 * @param {Record<string, unknown>} metadata
 */
function metadataFacts(metadata) {
  const entries = Object.entries(metadata);
  if (entries.length === 0) return h('p', { class: 'muted' }, 'No details were recorded.');
  return facts(entries.map(([key, value]) => [words(key), h('code', {}, metadataValue(value))]));
}

/**
 * @param {string | null} before
 * @param {string} after
 */
function change(before, after) {
  if (before === null) return h('span', {}, words(after));
  return before === after ? h('span', { class: 'muted' }, words(after)) : h('span', {}, `${words(before)} → ${words(after)}`);
}

/**
 * @param {NotificationDetail} notification
 * @param {number} now
 */
function notificationCard(notification, now) {
  const statusBadge = badge(
    notification.status === 'delivered' ? 'up' : notification.status === 'failed' ? 'down' : 'unknown',
    notification.status,
  );
  return h(
    'article',
    { class: 'card', 'data-notification-id': notification.id },
    h('h3', {}, `${words(notification.kind)} → ${notification.channel.name} (${notification.channel.type})`, ' ', statusBadge),
    facts([
      ['Created', timeAgo(notification.created_at, now)],
      ['Attempts', String(notification.attempt_count)],
      ['Delivered', notification.delivered_at ? dateTime(notification.delivered_at) : '—'],
      ['Next attempt', notification.next_attempt_at ? timeAgo(notification.next_attempt_at, now) : '—'],
      ['Last error', notification.last_error ?? '—'],
    ]),
    table(
      'Delivery attempts',
      ['Attempt', 'At', 'Result', 'Status', 'Took', 'Answer or error'],
      notification.attempts.map((attempt, index) => [
        String(index + 1),
        dateTime(attempt.at),
        attempt.ok ? h('span', { class: 'ok-text' }, 'delivered') : h('span', { class: 'fail-text' }, 'failed'),
        attempt.status_code === null ? '—' : String(attempt.status_code),
        attempt.duration_ms === null ? '—' : `${attempt.duration_ms} ms`,
        attempt.error === null && attempt.response_excerpt === null
          ? h('span', { class: 'muted' }, '—')
          : h(
              'span',
              { class: 'excerpt' },
              attempt.error,
              attempt.error !== null && attempt.response_excerpt !== null ? h('br') : null,
              attempt.response_excerpt !== null ? h('code', {}, attempt.response_excerpt) : null,
            ),
      ]),
      { empty: 'Not attempted yet.' },
    ),
  );
}

/** @type {import('./view.js').View} */
export async function eventView({ params, now }) {
  /** @type {EventDetail} */
  const event = await apiGet(`/api/v1/events/${encodeURIComponent(params.id)}`);
  /** @type {[Site, Check | null, { data: Notification[] }]} */
  const [site, check, notifications] = await Promise.all([
    apiGet(`/api/v1/sites/${encodeURIComponent(event.site_id)}`),
    event.check_id === null
      ? Promise.resolve(null)
      : apiGet(`/api/v1/checks/${encodeURIComponent(event.check_id)}`).catch((error) => {
          // A deleted check keeps its events: show the event without it.
          if (error instanceof ApiError && error.status === 404) return null;
          throw error;
        }),
    apiGet('/api/v1/notifications', { event_id: event.id, limit: MAX_NOTIFICATIONS }),
  ]);
  /** @type {NotificationDetail[]} */
  const detailed = await Promise.all(notifications.data.map((n) => apiGet(`/api/v1/notifications/${encodeURIComponent(n.id)}`)));

  const ended = event.ended_at === null ? now : Date.parse(event.ended_at);
  const title = EVENT_TITLES[event.type] ?? `${statusLabel(event.type)} event`;
  const meaning = EVENT_MEANINGS[event.type];
  const checkLink = event.check_id
    ? link(paths.check(event.check_id), check ? (check.name ?? check.target) : (event.endpoint_target ?? 'deleted check'))
    : null;
  const content = h(
    'div',
    { 'data-event-id': event.id },
    pageHeader(title, {
      crumbs: [
        ['Sites', paths.sites()],
        [site.name, paths.site(site.id)],
        ...(check ? /** @type {Array<[string, string]>} */ ([[check.name ?? check.target, paths.check(check.id)]]) : []),
      ],
      badge: h('span', { class: 'badges' }, badge(event.type), ' ', event.state === 'open' ? badge('warning', 'open') : badge('paused', 'closed')),
    }),
    section(
      'Overview',
      facts([
        ['Site', link(paths.site(site.id), site.name)],
        ['Check', checkLink ?? '—'],
        ['Location', event.location ? link(paths.runners(), event.location) : '—'],
        ['Severity', event.severity],
        ['Started', dateTime(event.started_at)],
        ['Ended', event.ended_at ? dateTime(event.ended_at) : 'still open'],
        [event.ended_at ? 'Lasted' : 'Open for', duration(ended - Date.parse(event.started_at))],
        ['Resolution', words(event.resolution_reason)],
      ]),
      { id: 'overview' },
    ),
    section(
      'Cause and effects',
      [
        meaning ? h('p', { class: 'muted' }, meaning) : null,
        h('p', { 'data-cause': event.cause ? event.cause.id : 'none' }, event.cause ? ['Caused by ', eventMention(event.cause, now), '.'] : 'No other event is recorded as its cause.'),
        event.effects_count > 0
          ? [
              h('p', {}, `It caused ${event.effects_count} event${event.effects_count === 1 ? '' : 's'}${event.effects_count > event.effects.length ? ` (the first ${event.effects.length} listed)` : ''}:`),
              h('ul', { class: 'effects' }, event.effects.map((effect) => h('li', {}, eventMention(effect, now)))),
            ]
          : null,
        h('h3', {}, 'What was observed'),
        metadataFacts(event.metadata),
      ],
      { id: 'cause' },
    ),
    section(
      `Transitions (${event.transitions.length})`,
      table(
        'Transitions, oldest first',
        ['At', 'Reason', 'State', 'Severity', 'Source', 'Details'],
        event.transitions.map((t) => [
          h('time', { datetime: t.at }, dateTime(t.at)),
          words(t.reason),
          change(t.state_before, t.state_after),
          change(t.severity_before, t.severity_after),
          h('code', {}, t.source),
          Object.keys(t.metadata).length > 0
            ? h(
                'span',
                { class: 'excerpt' },
                Object.entries(t.metadata).map(([key, value], index) => [index > 0 ? ' · ' : '', h('span', { class: 'muted' }, `${words(key)}: `), metadataValue(value)]),
              )
            : h('span', { class: 'muted' }, '—'),
        ]),
        { rowAttributes: (index) => ({ 'data-reason': event.transitions[index].reason }) },
      ),
      { id: 'transitions' },
    ),
    section(
      `Notifications (${notifications.data.length})`,
      detailed.length === 0 ? h('p', { class: 'empty' }, 'No notification was sent for this event.') : detailed.map((n) => notificationCard(n, now)),
      { id: 'notifications' },
    ),
  );
  return { title, content };
}
