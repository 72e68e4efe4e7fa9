/** A source that is a table in the authority's PostgreSQL database: its columns, as a relation. */
import { FoiError } from '../errors.js';
import { ident } from '../db/duckdb.js';
import type { PgEngine } from '../db/postgres.js';
import type { FieldType } from '../query/dialect.js';
import type { SourceDef } from '../types.js';
import { didYouMean } from '../util/suggest.js';
import type { OpenSource } from './index.js';

/** The field type a column natively holds, where it is one (so no text conversion is needed). */
function nativeType(dataType: string): FieldType | undefined {
  if (/^(text|character varying|character)$/.test(dataType)) return 'text';
  if (/^(smallint|integer|bigint)$/.test(dataType)) return 'integer';
  if (/^(numeric|real|double precision)$/.test(dataType)) return 'number';
  if (/^(date|timestamp)/.test(dataType)) return 'date';
  if (dataType === 'boolean') return 'boolean';
  return undefined;
}

export async function openPostgresSource(pg: PgEngine, def: SourceDef): Promise<OpenSource> {
  const { schema, table } = def.postgres!;
  const cols = await pg.all(
    'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
    [schema, table],
  );
  if (cols.length === 0) {
    const tables = await pg.all(
      "SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
    );
    throw new FoiError('postgres-table-missing', `the database has no table ${schema}.${table} (or this user may not read it)`, {
      hint: didYouMean(`${schema}.${table}`, tables.map((t) => String(t.t))) ?? 'check the name in sources.<id>.postgres.table',
      location: { file: def.file },
    });
  }
  const header = cols.map((c) => String(c.column_name));
  const types = cols.map((c) => nativeType(String(c.data_type)));
  return {
    def,
    header,
    // The names were just read from the database's own catalogue, so quoting them is safe.
    relation: () => `${ident(schema)}.${ident(table)}`,
    column: (name) => {
      const i = header.indexOf(name);
      if (i < 0) throw new Error(`column ${name} not in ${def.file}`);
      return { sql: name, text: types[i] === 'text', native: types[i] };
    },
    rows: null,
    sha256: null,
    bytes: null,
    cached: false,
  };
}
