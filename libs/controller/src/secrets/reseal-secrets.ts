import { type Database, type Prisma, withTransaction } from '@vigil/db';
import { channelSealer, checkSealer, type SecretKeyring } from '@vigil/secrets';

export interface ResealCounts {
  channels: number;
  checks: number;
}

/**
 * Seals every stored secret under the current key: values in clear (stored before encryption)
 * and values sealed under a previous key (during a rotation). Runs at the controller's start and
 * in `vigil secret-key rotate`; one transaction, so a failure (a value no key opens) changes
 * nothing and names no secret. Rows already under the current key are not written.
 */
export async function resealStoredSecrets(db: Pick<Database, 'prisma'>, secretKeys: SecretKeyring): Promise<ResealCounts> {
  return withTransaction(
    db,
    async (tx) => {
      const counts: ResealCounts = { channels: 0, checks: 0 };
      const channels = await tx.notificationChannel.findMany({ select: { id: true, type: true, config: true }, orderBy: { id: 'asc' } });
      for (const channel of channels) {
        const { config, changed } = channelSealer(secretKeys, channel.type).reseal(channel.config);
        if (!changed) continue;
        await tx.notificationChannel.update({ where: { id: channel.id }, data: { config: config as Prisma.InputJsonObject } });
        counts.channels++;
      }
      // Only HTTP checks have secrets (their headers); deleted ones too: their rows are kept.
      const checks = await tx.check.findMany({ where: { type: 'http' }, select: { id: true, type: true, spec: true }, orderBy: { id: 'asc' } });
      for (const check of checks) {
        const { config, changed } = checkSealer(secretKeys, check.type).reseal(check.spec);
        if (!changed) continue;
        await tx.check.update({ where: { id: check.id }, data: { spec: config as Prisma.InputJsonValue } });
        counts.checks++;
      }
      return counts;
    },
    { timeoutMs: 120_000 },
  );
}
