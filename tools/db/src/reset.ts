// npm run db:reset -- --yes — drops every table of the database, then migrates from zero.
import { migrate } from '@vigil/db';
import { fail, runCommand } from './run';

if (!process.argv.includes('--yes')) {
  fail('db:reset deletes every row of the database named by DATABASE_URL (or the embedded one): run `npm run db:reset -- --yes`');
}

void runCommand(async (db) => {
  await db.prisma.$executeRawUnsafe('DROP SCHEMA IF EXISTS public CASCADE');
  await db.prisma.$executeRawUnsafe('CREATE SCHEMA public');
  const { applied } = await migrate(db);
  console.log(`reset: schema dropped, ${applied.length} migration(s) applied`);
});
