import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { hasEmbeddedCluster } from './embedded-files';
import { createEmbeddedCluster } from './embedded-init';
import { DatabaseError } from './errors';

describe('creating the embedded cluster in a child process', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-init-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves a cluster this process opens', async () => {
    const path = join(dir, 'pglite');
    expect(hasEmbeddedCluster(path)).toBe(false);
    await createEmbeddedCluster(path);
    expect(hasEmbeddedCluster(path)).toBe(true);
    const pglite = await PGlite.create(path);
    try {
      // What initdb makes: the cluster's own databases, template1 among them.
      const { rows } = await pglite.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname = 'template1'`);
      expect(rows).toEqual([{ datname: 'template1' }]);
    } finally {
      await pglite.close();
    }
  }, 120_000);

  it('names the path and the reason when the cluster cannot be made there', async () => {
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, 'a file where the cluster should go');
    const error = await createEmbeddedCluster(blocked).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: 'data_dir_unusable' });
    expect((error as Error).message).toContain(blocked);
  }, 120_000);
});
