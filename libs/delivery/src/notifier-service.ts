import { type Database, OUTBOX_CHANNEL } from '@vigil/db';
import type { Logger } from '@vigil/logger';
import { sharedCounter } from '@vigil/metrics';
import type { SecretKeyring } from '@vigil/secrets';
import { type SweepHealth, startWorkerLoop } from '@vigil/worker-loop';
import type { Registry } from 'prom-client';
import { deliverDue, deliveriesDue } from './deliver-due';
import { scheduleReminders } from './reminders';
import type { SenderContext } from './types';

export interface NotifierServiceOptions {
  db: Database;
  logger: Logger;
  metrics: Registry;
  context: SenderContext;
  /** Opens the channel secrets stored sealed. */
  secretKeys: SecretKeyring;
  maxAttempts?: number;
  /** The controller's public URL, for links in messages. */
  publicUrl?: string;
  /** How often it looks for due rows when no NOTIFY wakes it (default DEFAULT_NOTIFIER_POLL_MS, 5 s): retries fall due by time. */
  pollIntervalMs?: number;
  /** How often reminders are scheduled (default 30 s). */
  reminderIntervalMs?: number;
  /** Rows sent at once (default 20). */
  batchSize?: number;
  /** Told of every step (/readyz, the sweep gauges, the heartbeat). */
  health?: SweepHealth;
}

export interface NotifierService {
  stop(): Promise<void>;
  nextStep(): Promise<void>;
}

/**
 * See {@link NotifierServiceOptions.pollIntervalMs}. New rows come with the evaluator's NOTIFY;
 * the poll finds retries, whose backoff starts at 30 s, and rows of a lost notification. Each
 * poll wakes the process and costs a statement: once a second was most of an idle notifier's CPU.
 */
export const DEFAULT_NOTIFIER_POLL_MS = 5_000;

const OUTCOMES = ['delivered', 'retrying', 'failed', 'superseded'] as const;

/**
 * The notifier at work: woken by the evaluator's NOTIFY when it writes outbox rows, polling for
 * retries that fall due, scheduling reminders while outages last.
 */
export async function startNotifier(options: NotifierServiceOptions): Promise<NotifierService> {
  const { db, logger, pollIntervalMs = DEFAULT_NOTIFIER_POLL_MS, reminderIntervalMs = 30_000, batchSize = 20 } = options;
  const attempts = sharedCounter(options.metrics, {
    name: 'vigil_notifier_attempts_total',
    help: 'Delivery attempts, by outcome (delivered, retrying, failed, superseded)',
    labelNames: ['outcome'],
  });
  for (const outcome of OUTCOMES) attempts.inc({ outcome }, 0);
  const reminders = sharedCounter(options.metrics, { name: 'vigil_notifier_reminders_total', help: 'Reminders scheduled while outages last' });
  let lastReminders = 0;
  const remindersDue = () => Date.now() - lastReminders >= reminderIntervalMs;

  const loop = startWorkerLoop({
    name: 'notifier',
    logger,
    health: options.health,
    pollIntervalMs,
    // Polled steps look first: an idle notifier pays one statement a poll, not a claim's transaction.
    probe: async () => remindersDue() || (await deliveriesDue(db, new Date())),
    step: async () => {
      if (remindersDue()) {
        reminders.inc(await scheduleReminders(db, new Date()));
        lastReminders = Date.now();
      }
      const result = await deliverDue(db, {
        logger,
        limit: batchSize,
        context: options.context,
        maxAttempts: options.maxAttempts,
        publicUrl: options.publicUrl,
        secretKeys: options.secretKeys,
      });
      for (const outcome of OUTCOMES) if (result[outcome] > 0) attempts.inc({ outcome }, result[outcome]);
      return { more: result.claimed >= batchSize };
    },
  });
  const unlisten = await db.listen(OUTBOX_CHANNEL, () => loop.wake());
  logger.info('delivering notifications as they are written', { pollIntervalMs, batchSize });
  return {
    async stop() {
      await unlisten();
      await loop.stop();
    },
    nextStep: () => loop.nextStep(),
  };
}

/** The notifier's settings as the environment names them (`notifierEnv` in @vigil/config). */
export interface NotifierSettings {
  VIGIL_SMTP_URL?: SenderContext['smtp'];
  VIGIL_EMAIL_FROM?: string;
  VIGIL_PAGERDUTY_EVENTS_URL: string;
  VIGIL_NOTIFY_MAX_ATTEMPTS: number;
  VIGIL_PUBLIC_URL?: string;
}

/** What the notifier app and the all-in-one pass to `startNotifier` from their config (and the notifier's egress guard). */
export function notifierOptionsFrom(
  config: NotifierSettings,
  egress?: SenderContext['egress'],
): Pick<NotifierServiceOptions, 'context' | 'maxAttempts' | 'publicUrl'> {
  return {
    context: {
      smtp: config.VIGIL_SMTP_URL,
      emailFrom: config.VIGIL_EMAIL_FROM,
      pagerDutyEventsUrl: config.VIGIL_PAGERDUTY_EVENTS_URL,
      ...(egress && { egress }),
    },
    maxAttempts: config.VIGIL_NOTIFY_MAX_ATTEMPTS,
    publicUrl: config.VIGIL_PUBLIC_URL,
  };
}
