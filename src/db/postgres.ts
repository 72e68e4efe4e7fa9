/**
 * The authority's PostgreSQL database as a place to run queries. The connection URL comes from
 * an environment variable the spec names (never from the spec). The session is read-only: foi
 * only ever reads, and sends each table's query to run where the data is; only figures come back.
 */
import { FoiError } from '../errors.js';
import { postgres, type Dialect } from '../query/dialect.js';
import type { Row } from './duckdb.js';

export interface PgEngine {
  dialect: Dialect;
  materialize: false;
  version: string;
  all(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  run(sql: string, params?: readonly unknown[]): Promise<void>;
  close(): Promise<void>;
}

export async function openPostgres(urlEnv: string, env: NodeJS.ProcessEnv = process.env): Promise<PgEngine> {
  const url = env[urlEnv];
  if (!url) {
    throw new FoiError('postgres-env-missing', `the environment variable ${urlEnv} is not set, so the database cannot be reached`, {
      hint: `set it to the connection URL, e.g. export ${urlEnv}=postgres://reader@db.example.internal/crime (keep passwords out of the spec: use ~/.pgpass or PGPASSWORD)`,
    });
  }
  const { default: pg } = await import('pg');
  // Figures come back as text and are read as numbers by foi; keep every value as PostgreSQL sent it.
  const client = new pg.Client({ connectionString: url, application_name: 'foi' });
  try {
    await client.connect();
    await client.query('SET default_transaction_read_only = on');
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new FoiError('postgres-unreachable', `cannot connect to the database in ${urlEnv}: ${(e as Error).message}`, {
      hint: 'check the URL, that the server is running and that this machine may connect to it',
    });
  }
  const version = String((await client.query('SHOW server_version')).rows[0]?.server_version ?? 'unknown');
  const toRows = (rows: Record<string, unknown>[]) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString().slice(0, 10) : v])));
  return {
    dialect: postgres,
    materialize: false,
    version: `PostgreSQL ${version}`,
    async all(sql, params) {
      return toRows((await client.query(sql, params as unknown[])).rows);
    },
    async run(sql, params) {
      await client.query(sql, params as unknown[]);
    },
    async close() {
      await client.end();
    },
  };
}
