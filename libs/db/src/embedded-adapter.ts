import type { PGlite, QueryOptions, Transaction } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { preparedQueries } from './embedded-query';

type Parsers = NonNullable<QueryOptions['parsers']>;

/**
 * Prisma's driver adapter for `pglite`, with one cost taken off every query. The adapter passes
 * its parsers (Prisma's text forms of dates, JSON, int8…) with each query, and PGlite then
 * copies its own, one per type and array type (~350), into a new object with them: ~180 µs of
 * the ~400 µs a one-row query cost. The adapter's parsers are put in PGlite's own once, and its
 * queries go without them. Every query on this PGlite then parses as the adapter does; the only
 * others (the maintenance pass) read numbers and names, which those parsers leave as they were.
 */
export function embeddedAdapterFactory(pglite: PGlite): PrismaPGlite {
  let installed: Parsers | undefined;
  // The options without the adapter's parsers once they are PGlite's own; any others as they are.
  const lean = (options: QueryOptions | undefined): QueryOptions | undefined => {
    const parsers = options?.parsers;
    if (parsers === undefined) return options;
    if (installed === undefined) {
      Object.assign(pglite.parsers, parsers);
      installed = parsers;
    }
    if (parsers !== installed) return options;
    return { ...options, parsers: undefined };
  };
  const prepared = preparedQueries(pglite);
  const leanTransaction = (tx: Transaction): Transaction => {
    const query = prepared.inTransaction(tx);
    return new Proxy(tx, {
      get(target, property) {
        if (property === 'query') return (sql: string, params?: unknown[], options?: QueryOptions) => query(sql, params, lean(options));
        return Reflect.get(target, property, target);
      },
    });
  };
  const client = new Proxy(pglite, {
    get(target, property) {
      if (property === 'query') return (sql: string, params?: unknown[], options?: QueryOptions) => prepared.query(sql, params, lean(options));
      if (property === 'transaction') return <T>(callback: (tx: Transaction) => Promise<T>) => target.transaction((tx) => callback(leanTransaction(tx)));
      const value: unknown = Reflect.get(target, property, target);
      // PGlite keeps its state in private fields: its methods run on it, not on the proxy.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return new PrismaPGlite(client);
}
