import { type ResponseOf, type getRunner, type createRunner, runnerIsStale } from '@vigil/contracts';
import type { Runner } from '@vigil/db';

export function runnerJson(runner: Runner, nowMs: number, staleAfterMs: number): ResponseOf<typeof getRunner> {
  return {
    id: runner.slug,
    slug: runner.slug,
    name: runner.name,
    kid: runner.keyId,
    created_at: runner.createdAt.toISOString(),
    last_seen_at: runner.lastSeenAt?.toISOString() ?? null,
    stale: runnerIsStale(runner, nowMs, staleAfterMs),
    revoked_at: runner.revokedAt?.toISOString() ?? null,
    connectivity: runner.connectivity,
    connectivity_changed_at: runner.connectivityChangedAt?.toISOString() ?? null,
    load: runner.load,
    load_concurrency: runner.loadConcurrency,
    load_changed_at: runner.loadChangedAt?.toISOString() ?? null,
  };
}

/** The one answer that carries the private key: it is not stored anywhere. */
export function runnerWithKeyJson(runner: Runner, privateKeyPem: string): ResponseOf<typeof createRunner> {
  return {
    id: runner.slug,
    slug: runner.slug,
    name: runner.name,
    kid: runner.keyId,
    public_key: runner.publicKey,
    private_key: privateKeyPem,
    created_at: runner.createdAt.toISOString(),
  };
}
