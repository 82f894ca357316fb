// npm run docker:smoke — what the Dockerfiles do, without Docker: builds each app with its
// image's build command, lays it out as the runtime stage does (production dependencies
// installed from the build's package.json), and starts it as compose does, with `node`.
// On PostgreSQL when TEST_DATABASE_URL names a server (a scratch database is created and
// dropped), else on the embedded database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchPostgres, testDatabaseKinds } from '@vigil/db/testing';
import { prepareApps, runSmoke } from './smoke';

void (async () => {
  const workDir = mkdtempSync(join(tmpdir(), 'vigil-docker-smoke-'));
  const started = Date.now();
  const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);
  try {
    const staged = await prepareApps(workDir, log);
    // PostgreSQL: the services as separate processes sharing one database.
    for (const kind of testDatabaseKinds({ postgres: 'semantics' })) {
      if (kind === 'embedded') {
        await runSmoke(staged, { kind }, workDir, log);
        continue;
      }
      const scratch = await createScratchPostgres();
      try {
        await runSmoke(staged, { kind, url: scratch.url }, workDir, log);
      } finally {
        await scratch.drop();
      }
    }
    console.log('docker smoke: every app built, started, healthy and stopped cleanly');
  } catch (error) {
    console.error(`docker smoke failed: ${(error as Error).message}`);
    process.exitCode = 1;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
})();
