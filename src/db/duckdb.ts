/**
 * The embedded DuckDB every file source is read into. Loaded only when a command needs it, so
 * `foi --version` and `foi validate` start fast.
 */
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { duckdb, type Dialect } from '../query/dialect.js';

export type Row = Record<string, unknown>;

export interface Db {
  dialect: Dialect;
  /** DuckDB keeps the selected records in a temporary table. */
  materialize: true;
  /** Runs a statement with bound parameters and returns its rows as JSON-safe values. */
  all(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  run(sql: string, params?: readonly unknown[]): Promise<void>;
  /** Appends text rows (null for empty) to a table whose columns are all VARCHAR. */
  appendText(table: string, rows: Iterable<(string | null)[]>): Promise<number>;
  readonly version: string;
  close(): void;
}

export async function openDuckDb(): Promise<Db> {
  const duck = await import('@duckdb/node-api');
  // Insertion order is never relied on (every query orders its result), and keeping it costs
  // time and memory when the selected records are stored.
  const instance: DuckDBInstance = await duck.DuckDBInstance.create(':memory:', { threads: '2', preserve_insertion_order: 'false' });
  const conn: DuckDBConnection = await instance.connect();
  const version = duck.version();
  return {
    dialect: duckdb,
    materialize: true,
    version,
    async all(sql, params) {
      const reader = await conn.runAndReadAll(sql, params as DuckDBValue[] | undefined);
      return reader.getRowObjectsJson() as Row[];
    },
    async run(sql, params) {
      await conn.run(sql, params as DuckDBValue[] | undefined);
    },
    async appendText(table, rows) {
      const appender = await conn.createAppender(table);
      let n = 0;
      try {
        for (const row of rows) {
          for (const v of row) {
            if (v === null) appender.appendNull();
            else appender.appendVarchar(v);
          }
          appender.endRow();
          n++;
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
      return n;
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** A SQL identifier, quoted: only for names foi itself generates or has already checked. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
