import { startReceiver } from '@vigil/delivery/testing';

/** One alert a webhook channel delivered, as the receiver saw it. */
export interface ReceivedAlert {
  /** The notification kind: outage_confirmed, outage_recovered, runner_offline… */
  readonly kind: string;
  readonly siteId: string;
  readonly eventId: string;
  readonly idempotencyKey: string;
  /** Date.now() when its request had arrived in full. */
  readonly at: number;
}

/** A loopback webhook receiver that keeps every alert it is sent, with when it arrived. */
export interface WebhookLog {
  /** Where a webhook channel points: `http://127.0.0.1:<port>/hooks/vigil`. */
  readonly url: string;
  /** Every alert so far, oldest first; only a site's when given. */
  alerts(siteId?: string): ReceivedAlert[];
  close(): Promise<void>;
}

interface Payload {
  kind?: unknown;
  idempotency_key?: unknown;
  site?: { uuid?: unknown };
  event?: { uuid?: unknown };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export async function startWebhookLog(): Promise<WebhookLog> {
  const alerts: ReceivedAlert[] = [];
  const receiver = await startReceiver({
    respond: (request) => {
      const at = Date.now();
      let payload: Payload = {};
      try {
        payload = JSON.parse(request.body) as Payload;
      } catch {
        // Kept with empty fields: a test that expects alerts then says what arrived instead.
      }
      alerts.push({
        kind: text(payload.kind),
        siteId: text(payload.site?.uuid),
        eventId: text(payload.event?.uuid),
        idempotencyKey: text(payload.idempotency_key),
        at,
      });
      return { status: 200, body: 'ok' };
    },
  });
  return {
    url: `${receiver.url}/hooks/vigil`,
    alerts: (siteId) => alerts.filter((alert) => siteId === undefined || alert.siteId === siteId),
    close: () => receiver.close(),
  };
}
