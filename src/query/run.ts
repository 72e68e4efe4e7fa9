/** Stage three: run every table's query and shape the results, zero-filled, for rendering. */
import type { Row } from '../db/duckdb.js';
import { parseCondition, restrictedValues, type Scalar } from '../spec/condition.js';
import type { Category, DataQualityIssue, Dimension, Request, ResultTable, TableDef } from '../types.js';
import type { OpenSource } from '../sources/index.js';
import { BUCKET_LABEL, bucketCategories } from './categories.js';
import { compileSelection, compileTable, selectionStatement, type CompiledQuery } from './compile.js';
import type { Dialect } from './dialect.js';
import { badCol } from './mapping.js';
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

/** Where queries run: embedded DuckDB (files) or the authority's own database. */
export interface Engine {
  dialect: Dialect;
  version: string;
  all(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  run(sql: string, params?: readonly unknown[]): Promise<void>;
  /**
   * Keep the selected records in a temporary table and aggregate from it (DuckDB), or send each
   * table as one statement with the selection as a CTE (a database that may be a read-only replica).
   */
  materialize: boolean;
}

export interface QueryRun {
  selection: CompiledQuery;
  results: QueryResult[];
  quality: DataQualityIssue[];
}

async function dataQuality(engine: Engine, sources: OpenSource[], checked: string[], from: (p: Params) => { prefix: string }, base: Params): Promise<DataQualityIssue[]> {
  if (checked.length === 0) return [];
  const issues: DataQualityIssue[] = [];
  const p = base.clone();
  const { prefix } = from(p);
  const counts = await engine.all(
    `${prefix}SELECT "__source" AS "s", ${checked.map((f, i) => `count(${badCol(f)}) AS "n${i}"`).join(', ')} FROM "selected" GROUP BY 1 ORDER BY 1`,
    p.values,
  );
  for (const src of sources) {
    const row = counts.find((r) => r.s === src.def.id);
    for (const [i, field] of checked.entries()) {
      const count = Number(row?.[`n${i}`] ?? 0);
      if (count === 0 || !src.def.columns[field]) continue;
      const q = base.clone();
      const { prefix: pre } = from(q);
      const examples = await engine.all(
        `${pre}SELECT ${badCol(field)} AS "v", count(*) AS "n" FROM "selected" WHERE "__source" = ${q.add(src.def.id)} AND ${badCol(field)} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5`,
        q.values,
      );
      issues.push({ source: src.def.id, field, column: src.def.columns[field]!.column, count, examples: examples.map((e) => String(e.v)) });
    }
  }
  return issues;
}

/**
 * Runs the request: the selection (every source read once), then each table, then the report of
 * values that could not be read. The SQL recorded is what ran, with its parameters.
 */
export async function runQueries(req: Request, engine: Engine, sources: OpenSource[]): Promise<QueryRun> {
  const d = engine.dialect;
  const sel = compileSelection(d, req, sources);
  const selection = { sql: selectionStatement(sel), params: sel.params.recorded };
  const results: QueryResult[] = [];
  if (engine.materialize) {
    await engine.run(`CREATE TEMP TABLE "selected" AS ${selection.sql}`, sel.params.values);
    for (const table of req.tables) {
      const p = new Params();
      const sql = compileTable(d, req, table, p);
      results.push({ table, sql, params: p.recorded, rows: await engine.all(sql, p.values) });
    }
    return { selection, results, quality: await dataQuality(engine, sources, sel.checked, () => ({ prefix: '' }), new Params()) };
  }
  const withSelected = (_: Params) => ({ prefix: `WITH ${sel.ctes.join(',\n')},\n"selected" AS (\n${sel.select}\n)\n` });
  for (const table of req.tables) {
    const p = sel.params.clone();
    const { prefix } = withSelected(p);
    const sql = prefix + compileTable(d, req, table, p);
    results.push({ table, sql, params: p.recorded, rows: await engine.all(sql, p.values) });
  }
  return { selection, results, quality: await dataQuality(engine, sources, sel.checked, withSelected, sel.params) };
}
