/** Stage three: run every table's query and shape the results, zero-filled, for rendering. */
import type { Db, Row } from '../db/duckdb.js';
import { ident } from '../db/duckdb.js';
import { parseCondition, restrictedValues, type Scalar } from '../spec/condition.js';
import type { Category, DataQualityIssue, Dimension, Request, ResultTable, TableDef } from '../types.js';
import type { OpenSource } from '../sources/index.js';
import { BUCKET_LABEL, bucketCategories } from './categories.js';
import { compileTable, periodSql } from './compile.js';
import { blankOnPurpose, mappedSelect } from './mapping.js';
import { Params } from './params.js';

/** A table this small reads well in the letter; bigger ones are only in the annex. */
const LETTER_MAX_CELLS = 40;
const LETTER_MAX_COLUMNS = 8;

const keyString = (k: unknown): string | null => (k === null || k === undefined ? null : String(k));

function dimensionLabel(req: Request, dim: Dimension): string {
  return dim.kind === 'bucket' ? BUCKET_LABEL[dim.bucket] : (req.fields[dim.field]?.label ?? dim.field);
}

/** The categories of a breakdown: from the period or the spec first, then any others the data has. */
function categories(req: Request, table: TableDef, dim: Dimension, dataKeys: (string | null)[]): Category[] {
  if (dim.kind === 'bucket') return bucketCategories(dim.bucket, req.period.from, req.period.to);
  const field = req.fields[dim.field]!;
  const labels = field.values ?? (field.type === 'boolean' ? { true: 'Yes', false: 'No' } : {});
  const fromTable = table.where ? restrictedValues(parseCondition(table.where, []), dim.field) : undefined;
  const fromCriteria = req.where ? restrictedValues(parseCondition(req.where, []), dim.field) : undefined;
  const listed: Scalar[] = fromTable ?? fromCriteria ?? Object.keys(labels);
  const out: Category[] = [];
  const seen = new Set<string | null>();
  for (const key of listed) {
    const k = String(key);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ key: k, label: labels[k] ?? k });
  }
  const extras = [...new Set(dataKeys.filter((k): k is string => k !== null && !seen.has(k)))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
  for (const k of extras) out.push({ key: k, label: labels[k] ?? k });
  if (field.blank_label !== undefined || dataKeys.includes(null)) {
    out.push({ key: null, label: field.blank_label ?? 'Not recorded' });
  }
  return out;
}

/** The rows a table's query returned, as stored with the outputs (so documents can be rebuilt from them). */
export interface QueryResult {
  table: TableDef;
  sql: string;
  params: unknown[];
  rows: Row[];
}

/** A table's raw query rows → the zero-filled table the letter and annex show. */
export function shapeTable(req: Request, { table, rows, sql, params }: QueryResult): ResultTable {
  const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
  const isTotal = (v: unknown) => Number(v) === 1;
  const rowCats = categories(req, table, table.rows, rows.filter((r) => !isTotal(r.gr)).map((r) => keyString(r.r)));
  const colCats: Category[] = table.columns
    ? categories(req, table, table.columns, rows.filter((r) => !isTotal(r.gc)).map((r) => keyString(r.c)))
    : [{ key: 'value', label: table.measureLabel }];
  const rowIndex = new Map(rowCats.map((c, i) => [keyString(c.key), i]));
  const colIndex = new Map(colCats.map((c, i) => [keyString(c.key), i]));
  const cells = rowCats.map(() => colCats.map(() => 0));
  const rowTotals = rowCats.map(() => 0);
  const colTotals = colCats.map(() => 0);
  let grandTotal = 0;
  for (const r of rows) {
    const v = num(r.v);
    const rowTotal = isTotal(r.gr);
    const colTotal = table.columns !== undefined && isTotal(r.gc);
    const ri = rowTotal ? -1 : rowIndex.get(keyString(r.r));
    const ci = table.columns === undefined ? 0 : colTotal ? -1 : colIndex.get(keyString(r.c));
    if (ri === undefined || ci === undefined) throw new Error(`result key without a category in table ${table.id}`);
    if (!rowTotal && !colTotal) cells[ri]![ci] = v;
    if (!rowTotal && (colTotal || !table.columns)) rowTotals[ri] = v;
    if (rowTotal && !colTotal) colTotals[ci] = v;
    if (rowTotal && (colTotal || !table.columns)) grandTotal = v;
  }
  const inLetter = table.inLetter ?? (rowCats.length * colCats.length <= LETTER_MAX_CELLS && colCats.length <= LETTER_MAX_COLUMNS);
  return {
    id: table.id,
    title: table.title,
    sheet: table.sheet,
    measureLabel: table.measureLabel,
    rowDimLabel: dimensionLabel(req, table.rows),
    colDimLabel: table.columns ? dimensionLabel(req, table.columns) : undefined,
    rows: rowCats,
    cols: colCats,
    cells,
    rowTotals,
    colTotals,
    grandTotal,
    totalsAreDistinct: table.measure.kind === 'count_distinct',
    note: table.note,
    inLetter,
    questions: table.questions,
    sql,
    params,
  };
}

export async function runTable(req: Request, db: Db, sources: OpenSource[], table: TableDef): Promise<QueryResult> {
  const { sql, params } = compileTable(req, sources, table);
  return { table, sql, params, rows: await db.all(sql, params) };
}

/** Rows where a mapped value was there in the source but did not become a field value. */
function unrecognisedSql(req: Request, src: OpenSource, field: string, p: Params): string {
  const blanks = blankOnPurpose(src.def.columns[field]!);
  const clean = ident(`clean_${field}`);
  const onPurpose = blanks.length ? ` AND ${clean} NOT IN (${blanks.map((b) => p.add(b)).join(', ')})` : '';
  // A bad date is reported wherever it is (its record cannot be placed in any period); other
  // fields only within the period the source is read for.
  const scope = field === req.periodField ? '' : ` AND ${periodSql(req, src.def.period, p)}`;
  return `${clean} IS NOT NULL AND ${ident(field)} IS NULL${onPurpose}${scope}`;
}

/**
 * Values in the data that the mapping could not turn into a field value (a flag keyed "X", a date
 * that does not parse): silently dropping them would change the figures, so they are reported.
 */
export async function checkDataQuality(req: Request, db: Db, sources: OpenSource[]): Promise<DataQualityIssue[]> {
  const issues: DataQualityIssue[] = [];
  for (const src of sources) {
    const mapped = Object.keys(src.def.columns).filter((f) => req.fields[f]);
    if (mapped.length === 0) continue;
    const p = new Params();
    const filters = mapped.map((f, i) => `count(*) FILTER (WHERE ${unrecognisedSql(req, src, f, p)}) AS "f${i}"`);
    const [counts] = await db.all(`WITH "m" AS (${mappedSelect(req, src, p, true)}) SELECT ${filters.join(', ')} FROM "m"`, p.values);
    for (const [i, field] of mapped.entries()) {
      const count = Number(counts?.[`f${i}`] ?? 0);
      if (count === 0) continue;
      const q = new Params();
      const examples = await db.all(
        `WITH "m" AS (${mappedSelect(req, src, q, true)}) SELECT ${ident(`clean_${field}`)} AS "v", count(*) AS "n" ` +
          `FROM "m" WHERE ${unrecognisedSql(req, src, field, q)} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5`,
        q.values,
      );
      issues.push({ source: src.def.id, field, column: src.def.columns[field]!.column, count, examples: examples.map((e) => String(e.v)) });
    }
  }
  return issues;
}

export async function runQueries(req: Request, db: Db, sources: OpenSource[]): Promise<QueryResult[]> {
  const out: QueryResult[] = [];
  for (const t of req.tables) out.push(await runTable(req, db, sources, t));
  return out;
}
