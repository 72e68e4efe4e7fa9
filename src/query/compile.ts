/**
 * Structured criteria and tables compiled to SQL. Values are always bound parameters; names are
 * only the spec's own field ids (checked against a strict pattern) and foi's generated names.
 */
import { ident } from '../db/duckdb.js';
import { parseCondition, type CondNode, type Scalar } from '../spec/condition.js';
import type { ConditionT } from '../spec/schema.js';
import type { Dimension, Measure, Request, TableDef } from '../types.js';
import type { OpenSource } from '../sources/index.js';
import { bucketSql } from './categories.js';
import { mappedSelect, SQL_TYPE } from './mapping.js';
import { Params } from './params.js';

export interface CompiledQuery {
  sql: string;
  params: unknown[];
}

/** A value compared with a field, converted to the field's type in SQL. */
function typed(req: Request, field: string, value: Scalar, p: Params): string {
  const type = req.fields[field]?.type ?? 'text';
  return type === 'text' ? p.add(String(value)) : `CAST(${p.add(String(value))} AS ${SQL_TYPE[type]})`;
}

/** SQL for a condition, in two-valued logic: a blank value never makes a test "unknown". */
export function conditionSql(req: Request, node: CondNode, p: Params): string {
  switch (node.type) {
    case 'and':
      return node.items.length === 0 ? 'TRUE' : `(${node.items.map((i) => conditionSql(req, i, p)).join(' AND ')})`;
    case 'or':
      return node.items.length === 0 ? 'FALSE' : `(${node.items.map((i) => conditionSql(req, i, p)).join(' OR ')})`;
    case 'not':
      return `(NOT COALESCE(${conditionSql(req, node.item, p)}, FALSE))`;
    case 'test': {
      const f = ident(node.field);
      const v = node.value;
      const one = () => typed(req, node.field, v as Scalar, p);
      const list = () => (v as Scalar[]).map((x) => typed(req, node.field, x, p)).join(', ');
      switch (node.op) {
        case 'equals':
          return `COALESCE(${f} = ${one()}, FALSE)`;
        case 'not':
          return `(${f} IS DISTINCT FROM ${one()})`;
        case 'in':
          return `COALESCE(${f} IN (${list()}), FALSE)`;
        case 'not_in':
          return `(${f} IS NULL OR ${f} NOT IN (${list()}))`;
        case 'between': {
          const [lo, hi] = v as [Scalar, Scalar];
          return `COALESCE(${f} BETWEEN ${typed(req, node.field, lo, p)} AND ${typed(req, node.field, hi, p)}, FALSE)`;
        }
        case 'before':
          return `COALESCE(${f} < ${one()}, FALSE)`;
        case 'after':
          return `COALESCE(${f} > ${one()}, FALSE)`;
        case 'from':
          return `COALESCE(${f} >= ${one()}, FALSE)`;
        case 'to':
          return `COALESCE(${f} <= ${one()}, FALSE)`;
        case 'blank':
          return v ? `(${f} IS NULL)` : `(${f} IS NOT NULL)`;
        case 'contains':
          return `COALESCE(strpos(lower(CAST(${f} AS VARCHAR)), lower(${p.add(String(v))})) > 0, FALSE)`;
        case 'pattern':
          return `COALESCE(regexp_matches(CAST(${f} AS VARCHAR), ${p.add(String(v))}), FALSE)`;
      }
    }
  }
}

function whereSql(req: Request, cond: ConditionT | undefined, at: (string | number)[], p: Params): string | undefined {
  return cond ? conditionSql(req, parseCondition(cond, at), p) : undefined;
}

export function periodSql(req: Request, period: { from?: string; to?: string }, p: Params): string {
  const f = ident(req.periodField);
  const parts = [
    ...(period.from !== undefined ? [`${f} >= CAST(${p.add(period.from)} AS DATE)`] : []),
    ...(period.to !== undefined ? [`${f} <= CAST(${p.add(period.to)} AS DATE)`] : []),
  ];
  return parts.length ? parts.join(' AND ') : `${f} IS NOT NULL`;
}

/**
 * The records that count: each source read only for its own system-of-record period, unioned,
 * then the request's period and criteria, then the table's own conditions.
 */
export function selectedRecordsCtes(req: Request, sources: OpenSource[], table: TableDef | undefined, p: Params): string {
  const ctes = sources.map((s) => `${ident(`src_${s.def.id}`)} AS (\n  ${mappedSelect(req, s, p)}\n)`);
  const union = sources
    .map((s) => `  SELECT * FROM ${ident(`src_${s.def.id}`)} WHERE ${periodSql(req, s.def.period, p)}`)
    .join('\n  UNION ALL\n');
  ctes.push(`"records" AS (\n${union}\n)`);
  const conds = [
    periodSql(req, req.period, p),
    whereSql(req, req.where, ['criteria', 'where'], p),
    table ? whereSql(req, table.where, ['tables', table.id, 'where'], p) : undefined,
  ].filter((c): c is string => c !== undefined);
  ctes.push(`"selected" AS (\n  SELECT * FROM "records" WHERE ${conds.join('\n    AND ')}\n)`);
  return `WITH ${ctes.join(',\n')}`;
}

function dimensionSql(req: Request, dim: Dimension): string {
  return dim.kind === 'bucket' ? bucketSql(dim.bucket, ident(req.periodField)) : ident(dim.field);
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
 * One statement per table: the cells and every total come from the data through the same query
 * (GROUPING SETS), so a distinct count's total is counted, not added up.
 * Result columns: r (row key), c (column key), gr/gc (1 where the row/column is a total), v.
 */
export function compileTable(req: Request, sources: OpenSource[], table: TableDef): CompiledQuery {
  const p = new Params();
  const ctes = selectedRecordsCtes(req, sources, table, p);
  const { arg, agg } = measureSql(table.measure);
  const r = dimensionSql(req, table.rows);
  const c = table.columns ? dimensionSql(req, table.columns) : 'NULL';
  const sets = table.columns ? '(("r", "c"), ("r"), ("c"), ())' : '(("r"), ())';
  const sql =
    `${ctes},\n"keyed" AS (\n  SELECT ${r} AS "r", ${c} AS "c", ${arg} AS "m" FROM "selected"\n)\n` +
    `SELECT "r", ${table.columns ? '"c", GROUPING("r") AS "gr", GROUPING("c") AS "gc"' : 'NULL AS "c", GROUPING("r") AS "gr", 1 AS "gc"'}, ${agg} AS "v"\n` +
    `FROM "keyed" GROUP BY GROUPING SETS ${sets}\n` +
    `ORDER BY "gr", "gc", "r" NULLS LAST${table.columns ? ', "c" NULLS LAST' : ''}`;
  return { sql, params: p.values };
}
