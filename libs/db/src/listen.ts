import type { Client } from 'pg';

/** Stops listening. */
export type Unlisten = () => Promise<void>;

/** How long a lost LISTEN connection waits before it connects again. */
const RECONNECT_DELAY_MS = 2_000;
const CHANNEL = /^[a-z_][a-z0-9_]*$/;

export function assertChannel(channel: string): void {
  if (!CHANNEL.test(channel)) throw new Error(`"${channel}" is not a plain notification channel name`);
}

/**
 * LISTEN on a connection of its own (a pool's connections come and go), connecting again
 * after a loss. Notifications sent while it was away are lost: callers also poll, and a
 * wake-up is only a hint to look sooner.
 */
export async function listenOnPostgres(connect: () => Promise<Client>, channel: string, onNotify: () => void): Promise<Unlisten> {
  assertChannel(channel);
  let client: Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const open = async (): Promise<void> => {
    try {
      const next = await connect();
      next.on('notification', (message) => {
        if (message.channel === channel) onNotify();
      });
      const lost = () => {
        if (client !== next) return;
        client = undefined;
        next.end().catch(() => undefined);
        if (!stopped) retry = setTimeout(() => void open(), RECONNECT_DELAY_MS);
      };
      next.on('error', lost);
      next.on('end', lost);
      await next.query(`LISTEN ${channel}`);
      if (stopped) {
        await next.end().catch(() => undefined);
        return;
      }
      client = next;
      // Whatever was sent while no one listened is looked at now.
      onNotify();
    } catch {
      if (!stopped) retry = setTimeout(() => void open(), RECONNECT_DELAY_MS);
    }
  };
  await open();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const current = client;
    client = undefined;
    await current?.end().catch(() => undefined);
  };
}
