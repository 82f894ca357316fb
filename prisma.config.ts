// All of Prisma's settings in one place. `npm run db:migrate` is how Vigil applies
// migrations (offline, through the WASM schema engine); this file keeps the
// Prisma CLI (`prisma migrate deploy`, `prisma generate`) pointed at the same files.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/vigil' },
});
