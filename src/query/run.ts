/** Stage three: run every table's query and shape the results, zero-filled, for rendering. */
import type { Row } from '../db/duckdb.js';
import { parseCondition, restrictedValues, type Scalar } from '../spec/condition.js';
import type { Category, DataQualityIssue, Dimension, Request, ResultTable, TableDef } from '../types.js';
import type { OpenSource } from '../sources/index.js';
import { BUCKET_LABEL, bucketCategories } from './categories.js';
import { ident } from '../db/duckdb.js';
import { FoiError } from '../errors.js';
import { compileSelection, compileTable, selectionStatement, type CompiledQuery, type Selection } from './compile.js';
import type { Dialect } from './dialect.js';
import { badCol } from './mapping.js';
import { Params } from './params.js';
import { mark } from '../timing.js';

/** A table this small reads well in the letter; bigger ones are only in the annex. */
const LETTER_MAX_CELLS = 40;
const LETTER_MAX_COLUMNS = 8;

const keyString = (k: unknown): string | null => (k === null || k === undefined ? null : String(k));

function dimensionLabel(req: Request, dim: Dimension): string {
  if (dim.kind === 'result') return dim.label;
  return dim.kind === 'bucket' ? BUCKET_LABEL[dim.bucket] : (req.fields[dim.field]?.label ?? dim.field);
}

/** The categories of a breakdown: from the period or the spec first, then any others the data has. */
function categories(req: Request, table: TableDef, dim: Dimension, dataKeys: (string | null)[]): Category[] {
  if (dim.kind === 'bucket') return bucketCategories(dim.bucket, req.period.from, req.period.to);
  // A raw SQL table's categories are what its query returned, in its order.
  if (dim.kind === 'result') return [...new Set(dataKeys)].map((k) => ({ key: k, label: k ?? 'Not recorded' }));
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

/** The rows of a raw SQL table's query (row, col, value) → the stored shape, with totals summed. */
export function rawToResultRows(rows: Row[], crossTab: boolean): Row[] {
  const num = (v: unknown) => Number(v ?? 0);
  const key = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const out: Row[] = [];
  const rowTotals = new Map<string | null, number>();
  const colTotals = new Map<string | null, number>();
  let grand = 0;
  for (const r of rows) {
    const rk = key(r.row);
    const ck = crossTab ? key(r.col) : null;
    const v = num(r.value);
    out.push({ r: rk, c: ck, gr: 0, gc: crossTab ? 0 : 1, v });
    rowTotals.set(rk, (rowTotals.get(rk) ?? 0) + v);
    colTotals.set(ck, (colTotals.get(ck) ?? 0) + v);
    grand += v;
  }
  if (crossTab) {
    for (const [rk, v] of rowTotals) out.push({ r: rk, c: null, gr: 0, gc: 1, v });
    for (const [ck, v] of colTotals) out.push({ r: null, c: ck, gr: 1, gc: 0, v });
  }
  out.push({ r: null, c: null, gr: 1, gc: 1, v: grand });
  return out.map((r) => ({ ...r, v: String(r.v) }));
}

function sqlProblem(req: Request, table: TableDef, message: string, hint?: string): FoiError {
  return new FoiError('table-sql', `the SQL of table "${table.id}" ${message}`, {
    hint: hint ?? 'it must be one SELECT over `records`, returning columns row, value (and col for a cross-tab)',
    location: req.yaml.locate(['tables', table.id, 'sql']),
  });
}

/**
 * A raw SQL table (the escape hatch): one SELECT over `records`, the request's selected records.
 * In DuckDB it runs with file access switched off, so it can read nothing but those records.
 */
async function runRawTable(engine: Engine, req: Request, table: TableDef, sel: Selection, fields: string[]): Promise<QueryResult> {
  const columns = fields.map(ident).join(', ');
  let sql: string;
  let p: Params;
  if (engine.materialize) {
    const check = await engine.all('SELECT json_serialize_sql(CAST($1 AS VARCHAR)) AS j', [table.sql]);
    const parsed = JSON.parse(String(check[0]?.j ?? '{}')) as { error?: boolean; error_message?: string; statements?: unknown[] };
    if (parsed.error) throw sqlProblem(req, table, `cannot be run: ${parsed.error_message ?? 'not a SELECT'}`);
    if ((parsed.statements ?? []).length !== 1) throw sqlProblem(req, table, 'must be exactly one statement');
    p = new Params();
    sql = `SELECT * FROM (${table.sql}) AS "q"`;
  } else {
    p = sel.params.clone();
    sql = `WITH ${sel.ctes.join(',\n')},\n"selected" AS (\n${sel.select}\n),\n"records" AS (SELECT ${columns} FROM "selected" WHERE "__match")\nSELECT * FROM (${table.sql}) AS "q"`;
  }
  let rows: Row[];
  try {
    rows = await engine.all(sql, p.values);
  } catch (e) {
    throw sqlProblem(req, table, `failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
  const first = rows[0];
  if (first && (!('row' in first) || !('value' in first))) throw sqlProblem(req, table, `returns ${Object.keys(first).join(', ')}, not row and value`);
  if (rows.some((r) => r.value !== null && !Number.isFinite(Number(r.value)))) throw sqlProblem(req, table, 'returns a value that is not a number');
  return { table, sql, params: p.recorded, rows: rawToResultRows(rows, table.columns !== undefined) };
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
    mark('selection');
    let locked = false;
    for (const table of req.tables) {
      if (table.sql !== undefined) {
        if (!locked) {
          await engine.run(`CREATE TEMP VIEW "records" AS SELECT ${sel.fields.map(ident).join(', ')} FROM "selected" WHERE "__match"`);
          // From here on nothing can read or write a file: a raw query sees only the records.
          await engine.run('SET enable_external_access = false');
          await engine.run('SET lock_configuration = true');
          locked = true;
        }
        results.push(await runRawTable(engine, req, table, sel, sel.fields));
        continue;
      }
      const p = new Params();
      const sql = compileTable(d, req, table, p);
      results.push({ table, sql, params: p.recorded, rows: await engine.all(sql, p.values) });
    }
    mark('tables');
    return { selection, results, quality: await dataQuality(engine, sources, sel.checked, () => ({ prefix: '' }), new Params()) };
  }
  const withSelected = (_: Params) => ({ prefix: `WITH ${sel.ctes.join(',\n')},\n"selected" AS (\n${sel.select}\n)\n` });
  for (const table of req.tables) {
    if (table.sql !== undefined) {
      results.push(await runRawTable(engine, req, table, sel, sel.fields));
      continue;
    }
    const p = sel.params.clone();
    const { prefix } = withSelected(p);
    const sql = prefix + compileTable(d, req, table, p);
    results.push({ table, sql, params: p.recorded, rows: await engine.all(sql, p.values) });
  }
  return { selection, results, quality: await dataQuality(engine, sources, sel.checked, withSelected, sel.params) };
}
