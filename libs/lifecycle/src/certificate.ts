import { LifecycleError } from './errors';
import {
  assertOpen,
  closeTransition,
  NO_TRANSITION,
  openTransition,
  SUPPRESSED_ALREADY_OPEN,
  SUPPRESSED_IN_MAINTENANCE,
  upgradeTransition,
  type LifecycleContext,
  type Transition,
} from './transition';
import { compareSeverity, type EventState } from './types';

/** Days before expiry at which a certificate event is `warning`, then `elevated`. */
export interface CertificateThresholds {
  readonly warningDays: number;
  readonly degradedDays: number;
}

export const DEFAULT_CERTIFICATE_THRESHOLDS: CertificateThresholds = Object.freeze({ warningDays: 30, degradedDays: 7 });

const DAY_MS = 86_400_000;

/** The severity a certificate expiring at `expiresAt` deserves at `now`, or null when it is not close to expiry. */
export function certificateSeverity(
  expiresAt: number,
  now: number,
  thresholds: CertificateThresholds = DEFAULT_CERTIFICATE_THRESHOLDS,
): 'warning' | 'elevated' | null {
  const { warningDays, degradedDays } = thresholds;
  if (!(degradedDays >= 0 && warningDays >= degradedDays && Number.isFinite(warningDays))) {
    throw new LifecycleError('invalid_config', `certificate thresholds need 0 <= degradedDays <= warningDays, got ${degradedDays} and ${warningDays}`);
  }
  const left = expiresAt - now;
  if (left <= degradedDays * DAY_MS) return 'elevated';
  if (left <= warningDays * DAY_MS) return 'warning';
  return null;
}

/**
 * The `cert_expiring` lifecycle of one `tls_cert` check: given its open certificate event
 * (or null) and the expiry of the certificate just observed (null when it could not be read,
 * which changes nothing: an unreadable or expired certificate fails the HTTP checks instead).
 *
 * - Within `warningDays`, an event opens (`warning`, or `elevated` within `degradedDays`) and notifies.
 * - Its severity rises in place (`severity_changed`, started_at kept) and notifies again.
 * - It closes as `recovered` when the certificate is no longer close to expiry, or when its
 *   severity would fall: either means a new certificate (or new thresholds), so the old event
 *   is over; a new one opens at the next evaluation if the new certificate is also close to expiry.
 * - Maintenance behaves as for outages.
 */
export function decideCertificate(
  event: EventState | null,
  expiresAt: number | null,
  ctx: LifecycleContext,
  thresholds: CertificateThresholds = DEFAULT_CERTIFICATE_THRESHOLDS,
): Transition {
  if (event !== null) {
    assertOpen(event);
    if (event.type !== 'cert_expiring') {
      throw new LifecycleError('wrong_event_kind', `decideCertificate handles cert_expiring events, not ${event.type}`);
    }
  }
  const severity = expiresAt === null ? null : certificateSeverity(expiresAt, ctx.now, thresholds);

  if (ctx.inMaintenance) {
    if (event !== null) return closeTransition(event, 'maintenance', ctx.now, null);
    return severity === null ? NO_TRANSITION : SUPPRESSED_IN_MAINTENANCE;
  }
  if (expiresAt === null) return NO_TRANSITION;
  if (event === null) {
    return severity === null ? NO_TRANSITION : openTransition('cert_expiring', severity, ctx.now, 'cert_expiring_soon');
  }
  if (severity === null) return closeTransition(event, 'recovered', ctx.now, 'cert_renewed');
  const change = compareSeverity(severity, event.severity);
  if (change > 0) {
    return upgradeTransition(event, 'cert_expiring', severity, 'severity_changed', ctx.now, 'cert_expiring_soon');
  }
  if (change < 0) return closeTransition(event, 'recovered', ctx.now, 'cert_renewed');
  return SUPPRESSED_ALREADY_OPEN;
}
