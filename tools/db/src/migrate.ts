// npm run db:migrate — applies prisma/migrations to DATABASE_URL (or the embedded database).
import { migrate, pendingMigrations } from '@vigil/db';
import { runCommand } from './run';

void runCommand(async (db) => {
  const pending = await pendingMigrations(db);
  console.log(pending.length ? `pending: ${pending.join(', ')}` : 'no pending migrations');
  const { applied, total } = await migrate(db);
  for (const name of applied) console.log(`applied ${name}`);
  console.log(`${applied.length} applied, ${total} in prisma/migrations`);
});
