import { Prisma } from './generated/client';
import { DatabaseError } from './errors';

const guarded = new Set(['deleteMany', 'updateMany', 'updateManyAndReturn']);

/** Prisma reads `undefined` as "no filter": `{ id: undefined }` matches every row. */
export function isEffectivelyEmpty(where: unknown): boolean {
  if (where === undefined || where === null) return true;
  if (typeof where !== 'object') return false;
  return Object.values(where as Record<string, unknown>).every((value) => value === undefined);
}

/**
 * Refuses bulk deletes and updates whose `where` is missing or filters nothing:
 * one bug must not empty or rewrite a table. A deliberate whole-table operation
 * says so with a condition that is always true (e.g. `{ id: { gt: 0 } }`).
 */
export const bulkWriteGuard = Prisma.defineExtension({
  name: 'vigil-bulk-write-guard',
  query: {
    $allModels: {
      async $allOperations({ model, operation, args, query }) {
        if (guarded.has(operation) && isEffectivelyEmpty((args as { where?: unknown }).where)) {
          throw new DatabaseError(
            'unsafe_query',
            `Refused ${model}.${operation} without a filter: pass a where clause that names the rows`,
          );
        }
        return query(args);
      },
    },
  },
});
