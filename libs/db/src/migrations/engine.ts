import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type * as EngineModule from '@prisma/schema-engine-wasm';

export type SchemaEngine = EngineModule.SchemaEngine;
type WasmExports = Record<string, unknown>;
type EngineBindings = typeof EngineModule & { __wbg_set_wasm(exports: WasmExports): void };
// The es2023 lib has no WebAssembly types (they come with "dom"); this is the one call used.
const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: WasmExports } }> };
};

let bindings: Promise<EngineBindings> | undefined;

// The package targets bundlers (it imports the .wasm file as a module), so in
// Node the WebAssembly is instantiated by hand and handed to its JS glue.
function loadBindings(): Promise<EngineBindings> {
  bindings ??= (async () => {
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue = require(gluePath) as EngineBindings;
    const bytes = readFileSync(join(dirname(gluePath), 'schema_engine_bg.wasm'));
    const { instance } = await wasm.instantiate(bytes, { './schema_engine_bg.js': glue as never });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports['__wbindgen_start'] as () => void)();
    return glue;
  })();
  return bindings;
}

export interface EngineOptions {
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  schema?: { path: string; content: string };
  log?: (line: string) => void;
}

export interface OpenEngine {
  engine: SchemaEngine;
  /** Frees the engine and closes the connections it opened (its advisory lock lives on them). */
  close(): Promise<void>;
}

/** A schema engine working through a driver adapter: no native binary, no download. */
export async function openSchemaEngine(options: EngineOptions): Promise<OpenEngine> {
  const glue = await loadBindings();
  const datamodels: [string, string][] | undefined = options.schema
    ? [[options.schema.path, options.schema.content]]
    : undefined;
  const opened: SqlDriverAdapter[] = [];
  const inner = options.adapterFactory;
  const tracking: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => {
      const adapter = await inner.connect();
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: async () => {
      const adapter = await inner.connectToShadowDb();
      opened.push(adapter);
      return adapter;
    },
  };
  const engine = await glue.SchemaEngine.new(
    { datamodels },
    (line: string) => options.log?.(line),
    bindMigrationAwareSqlAdapterFactory(tracking),
  );
  return {
    engine,
    async close() {
      engine.free();
      await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
    },
  };
}
