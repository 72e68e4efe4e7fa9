/**
 * Structured criteria and tables compiled to SQL. Values are always bound parameters; names are
 * only the spec's own field ids (checked against a strict pattern) and foi's generated names.
 *
 * A request compiles to one *selection* (every source read once, mapped, each only for its own
 * system-of-record period, unioned, the request's criteria applied) and one small aggregate per
 * table over the selected records. The selection also keeps the records holding values the
 * mappings could not read, so they are reported from the same single pass over the data.
 */
import { ident } from '../db/duckdb.js';
import { parseCondition, testsOf, type CondNode, type Scalar } from '../spec/condition.js';
import type { ConditionT } from '../spec/schema.js';
import type { Dimension, Measure, Request, TableDef } from '../types.js';
import type { OpenSource } from '../sources/index.js';
import type { Dialect } from './dialect.js';
import { badCol, fallible, mappedSelect } from './mapping.js';
import { Params } from './params.js';

export interface CompiledQuery {
  sql: string;
  params: unknown[];
}

/** A value compared with a field, converted to the field's type in SQL. */
function typed(d: Dialect, req: Request, field: string, value: Scalar, p: Params): string {
  const type = req.fields[field]?.type ?? 'text';
  return type === 'text' ? p.add(String(value)) : `CAST(${p.add(String(value))} AS ${d.type(type)})`;
}

/**
 * SQL for a condition. A test on a blank value is unknown (NULL), which a WHERE treats as false;
 * only under NOT does that matter, so NOT makes unknown false first: a blank value never matches.
 */
export function conditionSql(d: Dialect, req: Request, node: CondNode, p: Params): string {
  switch (node.type) {
    case 'and':
      return node.items.length === 0 ? 'TRUE' : `(${node.items.map((i) => conditionSql(d, req, i, p)).join(' AND ')})`;
    case 'or':
      return node.items.length === 0 ? 'FALSE' : `(${node.items.map((i) => conditionSql(d, req, i, p)).join(' OR ')})`;
    case 'not':
      return `(NOT COALESCE(${conditionSql(d, req, node.item, p)}, FALSE))`;
    case 'test': {
      const f = ident(node.field);
      const v = node.value;
      const one = () => typed(d, req, node.field, v as Scalar, p);
      const list = () => (v as Scalar[]).map((x) => typed(d, req, node.field, x, p));
      switch (node.op) {
        case 'equals':
          return `(${f} = ${one()})`;
        case 'not':
          return `(${f} IS DISTINCT FROM ${one()})`;
        case 'in':
          return d.inList(f, list());
        case 'not_in':
          return `(${f} IS NULL OR NOT ${d.inList(f, list())})`;
        case 'between': {
          const [lo, hi] = v as [Scalar, Scalar];
          return `(${f} BETWEEN ${typed(d, req, node.field, lo, p)} AND ${typed(d, req, node.field, hi, p)})`;
        }
        case 'before':
          return `(${f} < ${one()})`;
        case 'after':
          return `(${f} > ${one()})`;
        case 'from':
          return `(${f} >= ${one()})`;
        case 'to':
          return `(${f} <= ${one()})`;
        case 'blank':
          return v ? `(${f} IS NULL)` : `(${f} IS NOT NULL)`;
        case 'contains':
          return `(strpos(lower(${d.asText(f)}), lower(${p.add(String(v))})) > 0)`;
        case 'pattern':
          return `(${d.regexMatches(d.asText(f), String(v), p)})`;
      }
    }
  }
}

function whereSql(d: Dialect, req: Request, cond: ConditionT | undefined, at: (string | number)[], p: Params): string | undefined {
  return cond ? conditionSql(d, req, parseCondition(cond, at), p) : undefined;
}

export function periodSql(req: Request, period: { from?: string; to?: string }, p: Params): string {
  const f = ident(req.periodField);
  const parts = [
    ...(period.from !== undefined ? [`${f} >= CAST(${p.add(period.from)} AS DATE)`] : []),
    ...(period.to !== undefined ? [`${f} <= CAST(${p.add(period.to)} AS DATE)`] : []),
  ];
  return parts.length ? `(${parts.join(' AND ')})` : `(${f} IS NOT NULL)`;
}

const fieldsOf = (cond: ConditionT | undefined, at: (string | number)[]) => (cond ? [...testsOf(parseCondition(cond, at))].map((t) => t.field) : []);
const dimField = (dim: Dimension | undefined) => (dim?.kind === 'field' ? [dim.field] : []);

/** The fields the tables read from the selected records (besides the period's date). */
export function tableFields(req: Request): string[] {
  const used = new Set<string>([req.periodField]);
  for (const t of req.tables) {
    [...dimField(t.rows), ...dimField(t.columns), ...(t.measure.kind === 'count' ? [] : [t.measure.field]), ...fieldsOf(t.where, ['tables', t.id, 'where'])].forEach((f) => used.add(f));
  }
  if (req.tables.some((t) => t.sql !== undefined)) Object.keys(req.fields).forEach((f) => used.add(f));
  return Object.keys(req.fields).filter((f) => used.has(f));
}

export interface Selection {
  /** `name AS (…)` common table expressions, then the SELECT of the selected records. */
  ctes: string[];
  select: string;
  params: Params;
  /** The fields the selected records carry. */
  fields: string[];
  /** Fields whose unreadable values are reported: `__bad_<field>` columns. */
  checked: string[];
}

export function compileSelection(d: Dialect, req: Request, sources: OpenSource[]): Selection {
  const p = new Params();
  const keep = tableFields(req);
  // The criteria's fields are computed in each source, but only the tables' fields are kept.
  const computed = Object.keys(req.fields).filter((f) => keep.includes(f) || fieldsOf(req.where, ['criteria', 'where']).includes(f));
  const checked = computed.filter((f) => sources.some((s) => s.def.columns[f] && fallible(req, s, s.def.columns[f]!, f)));
  const ctes = sources.map((s) => `${ident(`src_${s.def.id}`)} AS (\n  ${mappedSelect(d, req, s, computed, p)}\n)`);
  const union = sources
    .map((s) => `  SELECT *, CAST(${p.add(s.def.id)} AS ${d.type('text')}) AS "__source", ${periodSql(req, s.def.period, p)} AS "__in_source" FROM ${ident(`src_${s.def.id}`)}`)
    .join('\n  UNION ALL\n');
  ctes.push(`"records" AS (\n${union}\n)`);
  // The criteria as separate conditions, each with the fields it reads.
  const root = req.where ? parseCondition(req.where, ['criteria', 'where']) : undefined;
  const conjuncts = (root ? (root.type === 'and' ? root.items : [root]) : []).map((node) => ({
    sql: conditionSql(d, req, node, p),
    fields: new Set([...testsOf(node)].map((t) => t.field)),
  }));
  const inPeriod = periodSql(req, req.period, p);
  // The criteria first: they are usually cheaper than the date tests, which need the date parsed.
  const match = [...conjuncts.map((c) => c.sql), '"__in_source"', inPeriod];
  const matchSql = `(${match.join(' AND ')})`;
  // A value that could not be read is reported where it could have changed a figure: on a record
  // that meets every other condition (a flag keyed "X" on a burglary does not matter to a count of
  // stalking). An unreadable date cannot be placed in any period, so only the other criteria apply.
  const relevant = (f: string) => [...conjuncts.filter((c) => !c.fields.has(f)).map((c) => c.sql), ...(f === req.periodField ? [] : ['"__in_source"', inPeriod])];
  const badSql = (f: string) => `(CASE WHEN ${relevant(f).join(' AND ') || 'TRUE'} THEN ${badCol(f)} END)`;
  // The rows kept: those that count, and those with a value that could not be read where it
  // matters. A field no criterion reads matters only on rows that count (already kept). The
  // conditions every kept row meets are written once, outside, so the database can apply them
  // first (usually the cheap ones, such as the offence codes).
  const alternatives = [match, ...checked.filter((f) => f === req.periodField || conjuncts.some((c) => c.fields.has(f))).map((f) => [`${badCol(f)} IS NOT NULL`, ...relevant(f)])];
  const common = match.filter((c) => alternatives.every((alt) => alt.includes(c)));
  const rest = alternatives.map((alt) => alt.filter((c) => !common.includes(c)));
  const keepSql = rest.some((r) => r.length === 0) ? [] : [`(${rest.map((r) => `(${r.join(' AND ')})`).join('\n   OR ')})`];
  const select =
    `SELECT ${[...keep.map(ident), '"__source"', `COALESCE(${matchSql}, FALSE) AS "__match"`, ...checked.map((f) => `${badSql(f)} AS ${badCol(f)}`)].join(', ')}\n` +
    `FROM "records"\nWHERE ${[...common, ...keepSql].join('\n  AND ') || 'TRUE'}`;
  return { ctes, select, params: p, fields: keep, checked };
}

/** The selection as one statement (DuckDB keeps it in a temporary table). */
export function selectionStatement(sel: Selection): string {
  return `WITH ${sel.ctes.join(',\n')}\n${sel.select}`;
}

function dimensionSql(d: Dialect, req: Request, dim: Dimension): string {
  const date = ident(req.periodField);
  if (dim.kind === 'field') return ident(dim.field);
  if (dim.kind === 'result') throw new Error('a raw SQL table has no compiled breakdown');
  switch (dim.bucket) {
    case 'year':
      return d.year(date);
    case 'financial_year':
      return `(CASE WHEN ${d.month(date)} >= 4 THEN ${d.year(date)} ELSE ${d.year(date)} - 1 END)`;
    case 'quarter':
      return `(${d.year(date)} * 10 + ${d.quarter(date)})`;
    case 'month':
      return `(${d.year(date)} * 100 + ${d.month(date)})`;
  }
}

function measureSql(m: Measure): { arg: string; agg: string } {
  switch (m.kind) {
    case 'count':
      return { arg: 'NULL', agg: 'count(*)' };
    case 'count_distinct':
      return { arg: ident(m.field), agg: 'count(DISTINCT "m")' };
    case 'sum':
      // Exact decimal arithmetic: a parallel sum of doubles can differ in its last digits from
      // run to run, and a rerun must give the same figures.
      return { arg: `CAST(${ident(m.field)} AS DECIMAL(38, 6))`, agg: 'COALESCE(sum("m"), 0)' };
  }
}

/**
 * A table over the selected records. The cells and every total come from the data through the
 * same query (GROUPING SETS), so a distinct count's total is counted, not added up.
 * Result columns: r (row key), c (column key), gr/gc (1 where the row/column is a total), v.
 * `params` continues the selection's numbering when the two run as one statement.
 */
export function compileTable(d: Dialect, req: Request, table: TableDef, p: Params = new Params()): string {
  const { arg, agg } = measureSql(table.measure);
  const r = dimensionSql(d, req, table.rows);
  const c = table.columns ? dimensionSql(d, req, table.columns) : 'NULL';
  const where = ['"__match"', whereSql(d, req, table.where, ['tables', table.id, 'where'], p)].filter(Boolean).join(' AND ');
  const sets = table.columns ? '(("r", "c"), ("r"), ("c"), ())' : '(("r"), ())';
  const head = table.columns ? '"c", GROUPING("r") AS "gr", GROUPING("c") AS "gc"' : 'NULL AS "c", GROUPING("r") AS "gr", 1 AS "gc"';
  return (
    `SELECT "r", ${head}, ${agg} AS "v"\n` +
    `FROM (SELECT ${r} AS "r", ${c} AS "c", ${arg} AS "m" FROM "selected" WHERE ${where}) AS "keyed"\n` +
    `GROUP BY GROUPING SETS ${sets}\n` +
    `ORDER BY "gr", "gc", "r" NULLS LAST${table.columns ? ', "c" NULLS LAST' : ''}`
  );
}
