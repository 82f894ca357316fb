import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { Client, Pool } from 'pg';
import { embeddedAdapterFactory } from './embedded-adapter';
import { assertDatabaseNotMissing, DATA_DIR_ENTRY, hasEmbeddedCluster, type TightenLog, tightenDataDir } from './embedded-files';
import { createEmbeddedCluster } from './embedded-init';
import { acquireDataDirLock } from './embedded-lock';
import { EMBEDDED_MAINTENANCE_INTERVAL_MS, startEmbeddedMaintenance } from './embedded-maintenance';
import { DatabaseError } from './errors';
import { PrismaClient } from './generated/client';
import { bulkWriteGuard } from './guard';
import { assertChannel, listenOnPostgres, type Unlisten } from './listen';
import { preparedStatementName } from './prepared';
import { type DatabaseTarget, describeTarget, redactUrl } from './target';

function createClient(adapter: SqlMigrationAwareDriverAdapterFactory) {
  return new PrismaClient({ adapter }).$extends(bulkWriteGuard);
}

/** The Prisma client every service uses: the same type on PGlite and PostgreSQL. */
export type VigilPrisma = ReturnType<typeof createClient>;
/** The client inside `withTransaction`. */
export type VigilTransaction = Parameters<Parameters<VigilPrisma['$transaction']>[0]>[0];

export interface Database {
  readonly kind: DatabaseTarget['kind'];
  readonly target: DatabaseTarget;
  /** Human-readable and free of secrets: fit for logs. */
  readonly description: string;
  readonly prisma: VigilPrisma;
  /**
   * PostgreSQL only: the pool Prisma's adapter draws its connections from, for a hot path that
   * runs its own SQL without Prisma's per-statement cost (`withPgTransaction`). Undefined on the
   * embedded database.
   */
  readonly pool?: Pool;
  /** For the schema engine (migrations, diffs). */
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** Runs `fn` while no other migrator (process or instance) runs. */
  withMigrationLock<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` when something is NOTIFY'd on `channel` (by any process on PostgreSQL,
   * by this one on the embedded database). A hint to look sooner, not a delivery: callers
   * still poll, since a notification sent while the connection was lost is gone.
   */
  listen(channel: string, onNotify: () => void): Promise<Unlisten>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Connections per process on PostgreSQL (default 10). */
  poolSize?: number;
  /** Told which files in the embedded data dir were looser than private, and made private. */
  log?: TightenLog;
  /** Embedded on disk: how often to vacuum and analyze what needs it (PGlite has no autovacuum); 0 turns it off. */
  maintenanceIntervalMs?: number;
  /** In memory only: start from this dump (PGlite's `dumpDataDir`), as tests start from a migrated snapshot. */
  loadDataDir?: Blob;
}

export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<Database> {
  return target.kind === 'postgres' ? openPostgres(target, options) : openEmbedded(target, options);
}

/**
 * PostgreSQL's defaults size a server that has a machine to itself. The embedded one lives in
 * this process's WebAssembly memory, which never shrinks, and its shared memory is resident from
 * the start: 128 MB of shared buffers were 120 MB of the all-in-one's resident memory before its
 * first check. The hot pages (leases, the latest results, their indexes) fit in far less, and a page
 * read again comes from the OS's cache. Command-line settings: the data dir's own
 * postgresql.conf, and so the database on disk, stay as initdb wrote them.
 */
export const EMBEDDED_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '16MB',
};
const EMBEDDED_START_PARAMS = [...PGlite.defaultStartParams, ...Object.entries(EMBEDDED_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`])];

async function openEmbedded(target: Extract<DatabaseTarget, { kind: 'embedded' }>, options: OpenOptions): Promise<Database> {
  const dataDir = target.dataDir;
  const release = dataDir ? acquireDataDirLock(dataDir) : () => undefined;
  // PGlite writes its files 0666 whatever the umask, and some (pg_internal.init) again at close:
  // they are made private after it opens and after it closes; looser ones from before are reported.
  const makePrivate = async (log?: TightenLog) => {
    if (dataDir) await tightenDataDir(dataDir, log);
  };
  let pglite: PGlite;
  try {
    if (dataDir) assertDatabaseNotMissing(dataDir);
    await makePrivate(options.log);
  } catch (error) {
    release();
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError('data_dir_unusable', `The data directory ${dataDir} could not be made private: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const clusterPath = dataDir ? join(dataDir, DATA_DIR_ENTRY.database) : undefined;
  if (clusterPath !== undefined && !hasEmbeddedCluster(clusterPath)) {
    try {
      await createEmbeddedCluster(clusterPath);
    } catch (error) {
      release();
      throw error;
    }
  }
  try {
    pglite = clusterPath
      ? await PGlite.create(clusterPath, { startParams: EMBEDDED_START_PARAMS })
      : await PGlite.create({ loadDataDir: options.loadDataDir, startParams: EMBEDDED_START_PARAMS });
  } catch (error) {
    release();
    throw new DatabaseError(
      'data_dir_unusable',
      `The embedded database in ${target.dataDir} could not be opened: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    await makePrivate();
  } catch (error) {
    await pglite.close().catch(() => undefined);
    release();
    throw new DatabaseError('data_dir_unusable', `The embedded database in ${dataDir} could not be made private: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const adapterFactory = embeddedAdapterFactory(pglite);
  const prisma = createClient(adapterFactory);
  // In memory (tests, diffs) nothing lives long enough to need it.
  const maintenance =
    dataDir && options.maintenanceIntervalMs !== 0
      ? startEmbeddedMaintenance(pglite, options.maintenanceIntervalMs ?? EMBEDDED_MAINTENANCE_INTERVAL_MS, (error) =>
          options.log?.warn(`vacuuming the embedded database failed (the next pass tries again): ${(error as Error).message}`),
        )
      : undefined;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    kind: 'embedded',
    target,
    description: describeTarget(target),
    prisma,
    adapterFactory,
    // One process owns the data directory (the lock file), so an in-process queue is enough.
    withMigrationLock<T>(fn: () => Promise<T>): Promise<T> {
      const run = queue.then(fn, fn);
      queue = run.catch(() => undefined);
      return run;
    },
    async listen(channel, onNotify) {
      assertChannel(channel);
      return pglite.listen(channel, () => onNotify());
    },
    async close() {
      await maintenance?.stop();
      await prisma.$disconnect();
      await pglite.close();
      try {
        await makePrivate();
      } finally {
        release();
      }
    },
  };
}

/**
 * @prisma/adapter-pg runs a migration script by splitting it on every `;`,
 * which breaks function bodies (`$$ … ; … $$`). The schema engine gets this
 * factory instead: it sends each script whole, in one simple-protocol query,
 * which PostgreSQL runs as one implicit transaction.
 */
class WholeScriptPg extends PrismaPg {
  override async connect() {
    const adapter = await super.connect();
    const pool = adapter.underlyingDriver();
    adapter.executeScript = async (script: string) => {
      try {
        await pool.query(script);
      } catch (error) {
        (adapter as unknown as { onError(e: unknown): never }).onError(error);
      }
    };
    return adapter;
  }
}

// A fixed key for pg_advisory_lock: every Vigil migrator on one database agrees on it.
const MIGRATION_LOCK_KEY = 0x76696769; // "vigi"

/**
 * One connection to PostgreSQL, or a DatabaseError('unreachable') naming the server (its
 * password redacted), the reason, and `hint`: what the caller's user should check.
 */
export async function connectPostgres(url: string, hint = 'is it running, and is DATABASE_URL right?'): Promise<Client> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code ? `${code}: ${(error as Error).message}` : (error as Error).message;
    throw new DatabaseError(
      'unreachable',
      `Cannot connect to PostgreSQL at ${redactUrl(url)} (${reason}); ${hint}`,
      { cause: error },
    );
  }
}

/**
 * How long a pooled connection may sit idle before it is closed (pg-pool's default is 10 s). A
 * service's loops use a second or third connection only when their steps overlap (an evaluation
 * pass and a sweep, say), every few tens of seconds at a low rate: closed after 10 s idle, each
 * was opened again soon after, and a new backend pays its start and plans every prepared
 * statement anew (12 ms to plan the claim alone). Steady state at 2,000 checks every 20 s
 * started 3 to 5 backends a minute that way. A minute outlasts those gaps; a pool that grew in a
 * burst still shrinks back.
 */
export const POOL_IDLE_TIMEOUT_MS = 60_000;

async function openPostgres(target: Extract<DatabaseTarget, { kind: 'postgres' }>, options: OpenOptions): Promise<Database> {
  // Connect once first: a wrong URL or a server that is down becomes one clear error.
  const probe = await connectPostgres(target.url);
  await probe.end();
  const poolConfig = { connectionString: target.url, max: options.poolSize ?? 10, idleTimeoutMillis: POOL_IDLE_TIMEOUT_MS };
  // Made here and handed to the adapter, so that a hot path can draw on the same connections
  // (and the statements prepared on them) without Prisma. The adapter ends it on $disconnect.
  const pool = new Pool(poolConfig);
  // An idle connection that dies is dropped by the pool; without a listener its error would be thrown.
  pool.on('error', () => undefined);
  const prisma = createClient(
    // The adapter's type says a name is always given; undefined (an unnamed statement) is what it passes on by default.
    new PrismaPg(pool, { statementNameGenerator: (query) => preparedStatementName(query.sql) as string, disposeExternalPool: true }),
  );
  // One connection: the engine takes and releases its own advisory lock, which must be on one session.
  const adapterFactory = new WholeScriptPg({ ...poolConfig, max: 1 });
  return {
    kind: 'postgres',
    target,
    description: describeTarget(target),
    prisma,
    pool,
    adapterFactory,
    async withMigrationLock<T>(fn: () => Promise<T>): Promise<T> {
      const client = await connectPostgres(target.url);
      try {
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
        await client.end().catch(() => undefined);
      }
    },
    listen: (channel, onNotify) => listenOnPostgres(() => connectPostgres(target.url), channel, onNotify),
    async close() {
      await prisma.$disconnect();
    },
  };
}
