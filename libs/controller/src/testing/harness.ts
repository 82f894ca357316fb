// Test support: a controller app on a fresh database, with keys and runners to call it with.
import type { ApiScope } from '@vigil/contracts';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@vigil/db/testing';
import type { EgressGuard } from '@vigil/egress';
import { loopbackEgress } from '@vigil/egress/testing';
import { alwaysReady, createMetricsRegistry, createServiceApp } from '@vigil/http';
import { createCapturedLogger, type CapturedLogger } from '@vigil/logger/testing';
import { createRunnerSigner, generateRunnerKeyPair, type RunnerSigner } from '@vigil/runner-auth';
import { generateSecretKey, SecretKeyring } from '@vigil/secrets';
import type { Express } from 'express';
import type { Registry } from 'prom-client';
import { createApiKey } from '../auth/api-keys';
import { mountController } from '../controller-app';
import type { ControllerDeps, ControllerLimits } from '../deps';
import type { RateLimits } from '../auth/rate-limits';

export interface HarnessRunner {
  id: number;
  slug: string;
  kid: string;
  privateKeyPem: string;
  publicKeyPem: string;
  signer: RunnerSigner;
  /** `Bearer <fresh token>` for this runner. */
  authorization(): string;
}

/** What one controller instance may set differently from another on the same database. */
export type InstanceSettings = Pick<ControllerDeps, 'runnerStaleAfterMs'>;

export interface ControllerHarness extends TestDatabase {
  app: Express;
  metrics: Registry;
  log: CapturedLogger;
  /** `Bearer vk_…` of an admin key made for this harness. */
  admin: string;
  /** `Bearer vk_…` of a new key with exactly these scopes. */
  keyWith(scopes: ApiScope[], name?: string): Promise<string>;
  /** A runner inserted straight into the database (no API call), with a signer. */
  addRunner(slug: string): Promise<HarnessRunner>;
  /** Another app (as a second controller instance would be) on the same database, with its own settings. */
  anotherApp(settings?: InstanceSettings): Express;
  /** The keyring the app seals secrets with. */
  secretKeys: SecretKeyring;
}

/** A controller app on a fresh migrated database of `kind`; dispose() when done. */
export async function createControllerHarness(
  kind: TestDatabaseKind,
  options: {
    limits?: Partial<ControllerLimits>;
    egress?: EgressGuard;
    secretKeys?: SecretKeyring;
    rateLimits?: Partial<RateLimits>;
    trustProxy?: ControllerDeps['trustProxy'];
    publicUrl?: string;
    /** The per-check Prometheus series' limit and cache (tests: a cache of 0 reads the database at every scrape). */
    checkMetrics?: ControllerDeps['checkMetrics'];
    /** What an app mounts after the controller (the dashboard), which this lib may not import. */
    alsoMount?: (app: Express) => void;
  } = {},
): Promise<ControllerHarness> {
  const database = await createTestDatabase(kind);
  const log = createCapturedLogger({ level: 'warn' });
  const secretKeys = options.secretKeys ?? SecretKeyring.fromText(generateSecretKey());
  const build = (settings: InstanceSettings = {}): { app: Express; metrics: Registry } => {
    const metrics = createMetricsRegistry({ service: 'controller-api', defaultMetrics: false });
    // Test stand-ins listen on loopback: allowed here, as the demo does; everything else as in production.
    const egress = options.egress ?? loopbackEgress();
    const deps: ControllerDeps = { db: database.db, logger: log.logger, metrics, ready: alwaysReady, limits: options.limits, egress, secretKeys };
    deps.rateLimits = options.rateLimits;
    deps.trustProxy = options.trustProxy;
    deps.publicUrl = options.publicUrl;
    deps.runnerStaleAfterMs = settings.runnerStaleAfterMs;
    deps.checkMetrics = options.checkMetrics;
    const mount = (app: Express) => {
      mountController(app, deps);
      options.alsoMount?.(app);
    };
    return { app: createServiceApp(deps, { mount }), metrics };
  };
  const { app, metrics } = build();
  const keyWith = async (scopes: ApiScope[], name = `test ${scopes.join('+')}`) =>
    `Bearer ${(await createApiKey(database.db.prisma, { name, scopes })).key}`;
  return {
    ...database,
    app,
    metrics,
    log,
    admin: await keyWith(['admin'], 'test admin'),
    keyWith,
    async addRunner(slug) {
      const keys = generateRunnerKeyPair();
      const row = await database.db.prisma.runner.create({ data: { slug, name: slug, publicKey: keys.publicKeyPem, keyId: keys.kid } });
      const signer = createRunnerSigner({ slug, privateKeyPem: keys.privateKeyPem });
      return { id: row.id, slug, ...keys, signer, authorization: () => `Bearer ${signer.token()}` };
    },
    anotherApp: (settings) => build(settings).app,
    secretKeys,
  };
}
