/**
 * The SQL that differs between the databases foi compiles to: embedded DuckDB (files) and
 * PostgreSQL (the authority's own database, where the query runs and only totals come back).
 * Everything else (CTEs, GROUPING SETS, FILTER, $n parameters) is common SQL.
 */
import type { FieldT } from '../spec/schema.js';
import type { Params } from './params.js';

export type FieldType = FieldT['type'];

export interface Dialect {
  name: 'duckdb' | 'postgres';
  type(t: FieldType): string;
  /** Any value as text. */
  asText(expr: string): string;
  /** Text → the type, or NULL when it does not convert (never an error: bad values are reported). */
  tryCast(expr: string, t: FieldType): string;
  /** Text in one of the given strptime formats (or ISO) → DATE, or NULL. */
  parseDate(expr: string, formats: string[], p: Params): string;
  /** The first group of a regular expression's match, or NULL. */
  regexExtract(expr: string, re: string, p: Params): string;
  regexMatches(expr: string, re: string, p: Params): string;
  /** Whether a value is one of a list (placeholders already made). */
  inList(expr: string, items: string[]): string;
  year(expr: string): string;
  month(expr: string): string;
  quarter(expr: string): string;
}

const DUCK_TYPES: Record<FieldType, string> = { text: 'VARCHAR', date: 'DATE', integer: 'BIGINT', number: 'DOUBLE', boolean: 'BOOLEAN' };
const PG_TYPES: Record<FieldType, string> = { text: 'TEXT', date: 'DATE', integer: 'BIGINT', number: 'DOUBLE PRECISION', boolean: 'BOOLEAN' };

export const duckdb: Dialect = {
  name: 'duckdb',
  type: (t) => DUCK_TYPES[t],
  asText: (e) => `CAST(${e} AS VARCHAR)`,
  tryCast: (e, t) => (t === 'text' ? e : t === 'date' ? `CAST(TRY_CAST(${e} AS TIMESTAMP) AS DATE)` : `TRY_CAST(${e} AS ${DUCK_TYPES[t]})`),
  parseDate(e, formats, p) {
    if (formats.length === 0) return `CAST(TRY_CAST(${e} AS TIMESTAMP) AS DATE)`;
    // One call tries every format; ISO (as foi's own .xlsx reader writes date cells) comes last.
    return `CAST(TRY_STRPTIME(${e}, [${formats.map((f) => p.add(f)).join(', ')}]) AS DATE)`;
  },
  regexExtract: (e, re, p) => `NULLIF(regexp_extract(${e}, ${p.add(re)}, 1), '')`,
  regexMatches: (e, re, p) => `regexp_matches(${e}, ${p.add(re)})`,
  // Not "x IN (…)": DuckDB expands that into one comparison per item, working x out each time.
  inList: (e, items) => `list_contains([${items.join(', ')}], ${e})`,
  year: (e) => `year(${e})`,
  month: (e) => `month(${e})`,
  quarter: (e) => `quarter(${e})`,
};

/**
 * A text date PostgreSQL can cast without failing: ISO shape, then a day that exists in its month
 * (nested CASE, because PostgreSQL does not promise to evaluate AND from left to right).
 */
const pgIsoDate = (e: string) =>
  `(CASE WHEN ${e} ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?$' THEN ` +
  `(CASE WHEN CAST(substr(${e}, 9, 2) AS INTEGER) <= EXTRACT(DAY FROM make_date(CAST(substr(${e}, 1, 4) AS INTEGER), CAST(substr(${e}, 6, 2) AS INTEGER), 1) + INTERVAL '1 month - 1 day') ` +
  `THEN CAST(substr(${e}, 1, 10) AS DATE) END) END)`;

export const postgres: Dialect = {
  name: 'postgres',
  type: (t) => PG_TYPES[t],
  asText: (e) => `CAST(${e} AS TEXT)`,
  tryCast(e, t) {
    switch (t) {
      case 'text':
        return e;
      case 'integer':
        return `(CASE WHEN ${e} ~ '^[+-]?[0-9]{1,18}$' THEN CAST(${e} AS BIGINT) END)`;
      case 'number':
        return `(CASE WHEN ${e} ~ '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,3})?$' THEN CAST(${e} AS DOUBLE PRECISION) END)`;
      case 'boolean':
        return `(CASE WHEN lower(${e}) IN ('true', 't', 'yes', 'y', '1', 'on') THEN TRUE WHEN lower(${e}) IN ('false', 'f', 'no', 'n', '0', 'off') THEN FALSE END)`;
      case 'date':
        return pgIsoDate(e);
    }
  },
  parseDate(e) {
    // Text dates on PostgreSQL must be ISO; other formats are refused when the spec is checked.
    return this.tryCast(e, 'date');
  },
  regexExtract: (e, re, p) => `NULLIF(substring(${e} from ${p.add(re)}), '')`,
  regexMatches: (e, re, p) => `(${e} ~ ${p.add(re)})`,
  inList: (e, items) => `(${e} IN (${items.join(', ')}))`,
  year: (e) => `CAST(EXTRACT(YEAR FROM ${e}) AS INTEGER)`,
  month: (e) => `CAST(EXTRACT(MONTH FROM ${e}) AS INTEGER)`,
  quarter: (e) => `CAST(EXTRACT(QUARTER FROM ${e}) AS INTEGER)`,
};
