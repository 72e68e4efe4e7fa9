/**
 * Types that cross stages. A spec is loaded and normalised into a `Request` (every default
 * resolved, every path absolute); queries turn it into `ResultTable`s; rendering turns those into
 * documents in memory; only the write stage touches the output folder.
 */
import type { AnswerT, ConditionT, FieldT, PeriodT, SourcePeriodT, SpecT } from './spec/schema.js';
import type { YamlSource } from './spec/yaml.js';
import type { Problem } from './errors.js';
import type { Override } from './spec/overrides.js';
import type { LawId, LawProfile } from './law/profiles.js';

export type Bucket = 'year' | 'financial_year' | 'quarter' | 'month';

/**
 * A breakdown: by a time bucket of the period field, by the values of a field, or (for a raw SQL
 * table) by the values its query returns, in the order it returns them.
 */
export type Dimension = { kind: 'bucket'; bucket: Bucket } | { kind: 'field'; field: string } | { kind: 'result'; label: string };

export type Measure =
  | { kind: 'count' }
  | { kind: 'count_distinct'; field: string }
  | { kind: 'sum'; field: string };

export interface ColumnMapping {
  column: string;
  trim: boolean;
  case?: 'upper' | 'lower';
  extract?: string;
  format?: string;
  /** Recoding after trim/case, in the spec's order. */
  values?: [string, string | number | boolean | null][];
}

export interface SourceDef {
  id: string;
  name: string;
  description?: string;
  /** A file extract, or a table in the authority's PostgreSQL database. */
  kind: 'file' | 'postgres';
  /** Absolute path of the extract ('' for a database table). */
  path: string;
  /** The path as written in the spec (relative to the spec's folder); for a table, postgres:schema.table. */
  file: string;
  postgres?: { urlEnv: string; schema: string; table: string };
  format: 'csv' | 'xlsx' | 'parquet' | 'json' | 'ndjson';
  csv: { delimiter: string; quote: string; headerRow: number; encoding: 'utf-8' | 'windows-1252' | 'latin-1' };
  xlsx: { sheet?: string; headerRow: number };
  /** When it was the system of record, as the spec says (either end may be open). */
  period: SourcePeriodT;
  dateBasis?: string;
  columns: Record<string, ColumnMapping>;
}

export interface TableDef {
  id: string;
  title: string;
  sheet: string;
  rows: Dimension;
  columns?: Dimension;
  measure: Measure;
  measureLabel: string;
  where?: ConditionT;
  /** Undecided (undefined) means: in the letter when the table is small. */
  inLetter?: boolean;
  /** The raw SQL escape hatch: a query over the selected records instead of rows/columns/measure. */
  sql?: string;
  note?: string;
  /** Numbers of the questions this table answers. */
  questions: number[];
}

export interface QuestionDef {
  number: number;
  text: string;
  answer: AnswerT;
}

export interface Request {
  /** The spec file as the user named it (for messages). */
  specFile: string;
  /** Absolute path of the spec's folder: source paths are relative to it. */
  specDir: string;
  yaml: YamlSource;
  spec: SpecT;
  reference: string;
  title: string;
  jurisdiction: LawId;
  /** The law the request is answered under, as data (law/<id>.yaml). */
  law: LawProfile;
  received: string;
  letterDate: string;
  authority: SpecT['authority'];
  requester: SpecT['requester'] | null;
  questions: QuestionDef[];
  search: { by?: string; note?: string };
  fields: Record<string, FieldT>;
  periodField: string;
  period: PeriodT;
  where?: ConditionT;
  sources: SourceDef[];
  tables: TableDef[];
  /** The spec file's text as read (before any overrides). */
  specText: string;
  overrides: Override[];
  /** Warnings found while loading; errors stop loading instead. */
  warnings: Problem[];
}

export interface Category {
  /** The value as the query returns it (null for blank); for buckets, the bucket key. */
  key: string | number | boolean | null;
  label: string;
  /** A time bucket only partly inside the period (e.g. 2019, January to September). */
  partial?: boolean;
}

export interface ResultTable {
  id: string;
  title: string;
  sheet: string;
  measureLabel: string;
  rowDimLabel: string;
  colDimLabel?: string;
  rows: Category[];
  /** For a table without a column breakdown, one column: the measure. */
  cols: Category[];
  cells: number[][];
  rowTotals: number[];
  colTotals: number[];
  grandTotal: number;
  /** Totals of a distinct count are counted, not added up: a victim in two years is one victim. */
  totalsAreDistinct: boolean;
  note?: string;
  inLetter: boolean;
  questions: number[];
  sql: string;
  params: unknown[];
}

/** Values found in the data that the mapping could not turn into a field value. */
export interface DataQualityIssue {
  source: string;
  field: string;
  column: string;
  count: number;
  examples: string[];
}
