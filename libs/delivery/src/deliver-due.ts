import { claimRows, type Database, Prisma, PREPARED, withTransaction } from '@vigil/db';
import type { Logger } from '@vigil/logger';
import { channelSealer, type SecretKeyring } from '@vigil/secrets';
import { type Backoff, DEFAULT_BACKOFF, retryDelayMs } from './backoff';
import { loadDeliveries, type Delivery } from './load-deliveries';
import { errorMessage } from './outcome';
import { defaultSenders } from './senders';
import type { AttemptOutcome, SenderContext, Senders } from './types';

export interface DeliverOptions {
  readonly logger: Logger;
  /** Rows claimed (and sent in parallel) per call (default 20). */
  readonly limit?: number;
  readonly senders?: Senders;
  readonly context?: SenderContext;
  /** The clock of claims, attempts and backoff; the real one when absent. */
  readonly now?: () => Date;
  /** Attempts before a notification is marked failed (default 8). */
  readonly maxAttempts?: number;
  readonly backoff?: Backoff;
  /**
   * How long a claimed row stays hidden from other notifiers while this one sends it (default 60 s).
   * Longer than a send can take: a notifier that dies mid-send leaves the row to be sent again after it.
   */
  readonly leaseMs?: number;
  /** The jitter's randomness (tests make it predictable). */
  readonly random?: () => number;
  /** The controller API's public base URL, for links in messages. */
  readonly publicUrl?: string;
  /** Opens the channel secrets stored sealed, just before a send. */
  readonly secretKeys: SecretKeyring;
}

export interface DeliverResult {
  readonly claimed: number;
  readonly delivered: number;
  /** Failed this time, to be tried again after a backoff. */
  readonly retrying: number;
  /** Failed for good: attempts ran out, the receiver refused it, or the channel is disabled. */
  readonly failed: number;
  /** Recorded meanwhile by another notifier (this one outlived its lease): the attempt is kept, the row left alone. */
  readonly superseded: number;
}

type Settled = 'delivered' | 'retrying' | 'failed' | 'superseded';

export const DEFAULT_MAX_ATTEMPTS = 8;
export const DEFAULT_LEASE_MS = 60_000;
export const CHANNEL_DISABLED = 'channel disabled';

/**
 * Whether any outbox row is due at `at`: the claim of {@link deliverDue} without its ordering
 * rule, in one prepared statement (the notifications_due partial index) and no transaction, so
 * that an idle notifier's poll costs this rather than a claim. A yes may claim nothing (another
 * notifier got there first, or an earlier row of the same event and channel goes first).
 */
export async function deliveriesDue(db: Pick<Database, 'prisma'>, at: Date): Promise<boolean> {
  const [row] = await db.prisma.$queryRaw<{ due: boolean }[]>(Prisma.sql`${Prisma.raw(PREPARED)}
    SELECT EXISTS (SELECT 1 FROM notifications WHERE status = 'pending' AND next_attempt_at <= ${at}) AS due`);
  return row?.due ?? true;
}

/**
 * Delivers the notifications that are due, at least once each. A short transaction claims due
 * rows (`SKIP LOCKED`) and pushes their next attempt past a lease, so no other notifier takes them
 * while this one sends outside any transaction; a second short transaction per row records the
 * attempt and the row's new state. A crash between the two re-sends the row once the lease ends,
 * with the same idempotency key, for the receiver to drop.
 */
export async function deliverDue(db: Database, options: DeliverOptions): Promise<DeliverResult> {
  const clock = options.now ?? (() => new Date());
  const limit = options.limit ?? 20;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;

  const claimedAt = clock();
  const claimed = await withTransaction(db, async (tx) => {
    const rows = await claimRows<{ id: bigint }>(tx, {
      table: 'notifications',
      // One at a time per event and channel, in order: a resolve never overtakes its trigger.
      where: Prisma.sql`status = 'pending' AND next_attempt_at <= ${claimedAt}
        AND NOT EXISTS (SELECT 1 FROM notifications earlier
                        WHERE earlier.event_id = notifications.event_id AND earlier.channel_id = notifications.channel_id
                          AND earlier.status = 'pending' AND earlier.id < notifications.id)`,
      orderBy: Prisma.sql`next_attempt_at, id`,
      limit,
      columns: Prisma.sql`id`,
    });
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    await tx.notification.updateMany({ where: { id: { in: ids } }, data: { nextAttemptAt: new Date(claimedAt.getTime() + leaseMs) } });
    return ids;
  });
  if (claimed.length === 0) return { claimed: 0, delivered: 0, retrying: 0, failed: 0, superseded: 0 };

  const deliveries = await loadDeliveries(db, claimed, { publicUrl: options.publicUrl });
  const settled = await Promise.all(deliveries.map((delivery) => deliverOne(db, delivery, options, clock)));
  const count = (what: Settled) => settled.filter((s) => s === what).length;
  return {
    claimed: claimed.length,
    delivered: count('delivered'),
    retrying: count('retrying'),
    failed: count('failed'),
    superseded: count('superseded'),
  };
}

async function deliverOne(db: Database, delivery: Delivery, options: DeliverOptions, clock: () => Date): Promise<Settled> {
  const { logger } = options;
  const { notification, channel, message } = delivery;
  const log = { notification: notification.uuid, channel: channel.uuid, channel_type: channel.type, kind: message.kind };
  // Only the claim that read this attempt count may settle the row (see `superseded`).
  const mine = { id: notification.id, status: 'pending' as const, attemptCount: notification.attemptCount };

  if (!channel.enabled) {
    // Not sent later either: alerts about past events would arrive out of date when it is enabled again.
    const { count } = await db.prisma.notification.updateMany({ where: mine, data: { status: 'failed', lastError: CHANNEL_DISABLED } });
    if (count === 0) return 'superseded';
    logger.info('notification not sent: its channel is disabled', log);
    return 'failed';
  }

  const at = clock();
  const outcome = await send(delivery, options);
  const attempts = notification.attemptCount + 1;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const settled: Settled = outcome.ok ? 'delivered' : !outcome.retryable || attempts >= maxAttempts ? 'failed' : 'retrying';
  const recordedAt = clock();
  const lastError =
    settled === 'failed'
      ? `${outcome.error ?? 'failed'} (${outcome.retryable ? `gave up after ${attempts} attempts` : 'not retryable'})`
      : (outcome.error ?? null);
  const data: Prisma.NotificationUpdateManyMutationInput =
    settled === 'delivered'
      ? { status: 'delivered', deliveredAt: recordedAt, attemptCount: attempts }
      : settled === 'failed'
        ? { status: 'failed', attemptCount: attempts, lastError }
        : {
            attemptCount: attempts,
            lastError,
            nextAttemptAt: new Date(recordedAt.getTime() + retryDelayMs(attempts, options.backoff ?? DEFAULT_BACKOFF, options.random)),
          };

  const updated = await withTransaction(db, async (tx) => {
    await tx.notificationAttempt.create({
      data: {
        notificationId: notification.id,
        at,
        ok: outcome.ok,
        statusCode: outcome.statusCode ?? null,
        durationMs: outcome.durationMs,
        responseExcerpt: outcome.responseExcerpt ?? null,
        error: outcome.error ?? null,
      },
    });
    const count = (await tx.notification.updateMany({ where: mine, data })).count;
    if (count > 0 && settled === 'delivered') {
      // The site's "Last alert", with the delivery it reports; a slower send finishing later never moves it back.
      await tx.site.updateMany({
        where: { id: delivery.siteId, OR: [{ lastAlertSentAt: null }, { lastAlertSentAt: { lt: recordedAt } }] },
        data: { lastAlertSentAt: recordedAt },
      });
    }
    return count;
  });
  const result: Settled = updated === 0 ? 'superseded' : settled;
  const fields = { ...log, attempt: attempts, status_code: outcome.statusCode, duration_ms: outcome.durationMs };
  if (result === 'delivered') logger.info('notification delivered', fields);
  else if (result === 'retrying') logger.warn('notification attempt failed; will retry', { ...fields, error: outcome.error, next_attempt_at: data.nextAttemptAt });
  else if (result === 'failed') logger.error('notification failed', { ...fields, error: lastError });
  else logger.warn('notification attempt recorded after another notifier settled it', fields);
  return result;
}

/** Runs the channel's sender, turning a throw (a bug) into a retryable failure. */
async function send(delivery: Delivery, options: DeliverOptions): Promise<AttemptOutcome> {
  const sender = (options.senders ?? defaultSenders)[delivery.channel.type];
  const context: SenderContext = { ...(options.now && { now: options.now }), ...options.context };
  let config: unknown;
  try {
    config = channelSealer(options.secretKeys, delivery.channel.type).open(delivery.channel.config);
  } catch (error) {
    // A key missing from VIGIL_SECRET_KEY_PREVIOUS can be added back: retried, and the message names no secret.
    return { ok: false, error: `The channel's secrets do not open: ${errorMessage(error)}`, retryable: true, durationMs: 0 };
  }
  try {
    return await sender(delivery.message, config, context);
  } catch (error) {
    return { ok: false, error: `The ${delivery.channel.type} sender threw: ${errorMessage(error)}`, retryable: true, durationMs: 0 };
  }
}
