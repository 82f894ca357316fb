import type { ChannelType, NotificationKindName } from '@vigil/contracts';
import type { EgressGuard } from '@vigil/egress';

/** The event a notification is about, as receivers see it (timestamps in ISO 8601). */
export interface AlertEvent {
  /** The database id, as a decimal string (a bigint does not fit every JSON reader). */
  readonly id: string;
  readonly uuid: string;
  readonly type: string;
  readonly severity: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly resolutionReason: string | null;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface AlertCheck {
  readonly uuid: string;
  readonly name: string | null;
  readonly type: string;
  /** The endpoint's URL, host:port or DNS name. */
  readonly target: string;
}

export interface AlertSite {
  readonly uuid: string;
  readonly name: string;
}

export interface AlertLocations {
  /** The locations that saw the failure (from the event's metadata); empty when unknown. */
  readonly failing: readonly string[];
  /** The location whose result caused the transition, when one did. */
  readonly reporting: string | null;
}

/** What every channel says about one notification, before each shapes it its own way. */
/** What an `slo_burn` / `slo_burn_ended` notification says about the budget (from its transition's facts). */
export interface AlertSlo {
  readonly targetPct: number | null;
  readonly windowDays: number | null;
  /** The burn-rate rule that fired (`fast`, `slow`), null once it ended. */
  readonly rule: string | null;
  readonly threshold: number | null;
  readonly burnRateLong: number | null;
  readonly burnRateShort: number | null;
  readonly longWindowS: number | null;
  readonly shortWindowS: number | null;
  readonly availability: number | null;
  readonly budgetRemainingFraction: number | null;
  readonly budgetRemainingMinutes: number | null;
}

export interface AlertMessage {
  readonly kind: NotificationKindName;
  /** Stable across retries: receivers drop repeats by it. */
  readonly idempotencyKey: string;
  /** One line: "DOWN: Shop (https://shop.example/)". */
  readonly title: string;
  /** A few plain-text lines: what happened, where, since when. */
  readonly text: string;
  /** Whether the kind opens (or keeps open) an alert, or closes it. */
  readonly action: 'trigger' | 'resolve';
  readonly event: AlertEvent;
  readonly check: AlertCheck | null;
  readonly site: AlertSite;
  readonly locations: AlertLocations;
  /** Places to look further; empty unless the notifier knows its public API URL. */
  readonly links: readonly { readonly label: string; readonly url: string }[];
  /** Only for the SLO kinds (`slo_burn`, `slo_burn_ended`). */
  readonly slo?: AlertSlo;
}

/** The result of one delivery attempt: a row of `notification_attempts`. */
export interface AttemptOutcome {
  readonly ok: boolean;
  /** The HTTP status, or the SMTP reply code for email. */
  readonly statusCode?: number;
  /** The start of the receiver's answer, at most MAX_RESPONSE_EXCERPT characters. */
  readonly responseExcerpt?: string;
  readonly error?: string;
  /** Whether trying again later may succeed; meaningless when ok. */
  readonly retryable: boolean;
  readonly durationMs: number;
}

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  /** TLS from the start (port 465) rather than STARTTLS. */
  readonly secure: boolean;
  readonly username?: string;
  readonly password?: string;
  /** With credentials, send nothing unless the conversation is encrypted; true unless false. */
  readonly requireTls?: boolean;
}

/** What senders need beyond the message and the channel's config: the notifier's settings. */
export interface SenderContext {
  /** How long one attempt may take, connection to answer (default 10 s). */
  readonly timeoutMs?: number;
  /** Extra certificate authorities (PEM) trusted for https and SMTP TLS; the system's when absent. */
  readonly ca?: string | readonly string[];
  /** The PagerDuty Events API v2 URL (default DEFAULT_PAGERDUTY_EVENTS_URL). */
  readonly pagerDutyEventsUrl?: string;
  /** The sender address of email channels that name none. */
  readonly emailFrom?: string;
  /** The SMTP server of email channels that name none. */
  readonly smtp?: SmtpSettings;
  /** When the attempt happens (for `sent_at` and signatures); the clock when absent. */
  readonly now?: () => Date;
  /**
   * The notifier's egress policy: a destination it denies (as written or as resolved) is not
   * connected to and the attempt fails for good. Optional for tests of the senders alone;
   * every real notifier passes one.
   */
  readonly egress?: EgressGuard;
}

/** Delivers one message through one channel. Never throws: every failure is an outcome. */
export type Sender = (message: AlertMessage, channelConfig: unknown, context: SenderContext) => Promise<AttemptOutcome>;

export type Senders = Readonly<Record<ChannelType, Sender>>;
