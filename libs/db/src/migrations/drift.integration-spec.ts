import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffMigrationsToSchema } from './diff';
import { findPrismaDir } from './files';

// Each diff replays the migrations in a shadow database: allow for it.
jest.setTimeout(120_000);

describe('the drift check', () => {
  it('finds schema.prisma and prisma/migrations in agreement', async () => {
    const diff = await diffMigrationsToSchema();
    expect(diff.sql).toBe('');
  });

  it('reports the SQL a schema change needs, so the check can fail', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-prisma-'));
    try {
      cpSync(findPrismaDir(), dir, { recursive: true });
      const schemaPath = join(dir, 'schema.prisma');
      const schema = readFileSync(schemaPath, 'utf8').replace(
        '  name               String\n',
        '  name               String\n  description        String?\n',
      );
      writeFileSync(schemaPath, schema);
      const diff = await diffMigrationsToSchema({ prismaDir: dir });
      expect(diff.sql).toMatch(/ALTER TABLE "sites" ADD COLUMN\s+"description" TEXT/);
      expect(diff.sql).not.toMatch(/site_events_one_open_per_check_kind/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
