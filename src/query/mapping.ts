/**
 * Per-source mapping onto the common fields, as SQL over the source's raw relation. Two layers:
 * `clean` (as text: trim, blank → null, case) and the field value (recode, extract, convert to the
 * field's type). Keeping both lets a value that was there but could not be read be reported
 * instead of silently becoming blank.
 */
import { ident } from '../db/duckdb.js';
import type { ColumnMapping, Request } from '../types.js';
import type { OpenSource } from '../sources/index.js';
import type { Dialect, FieldType } from './dialect.js';
import type { Params } from './params.js';

/** Date-times as foi's .xlsx reader, Parquet and JSON give them, tried after a spec's own formats. */
const ISO_FORMATS = ['%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d'];

export const cleanCol = (field: string) => ident(`clean_${field}`);
export const badCol = (field: string) => ident(`__bad_${field}`);

function cleanExpr(d: Dialect, src: OpenSource, m: ColumnMapping): string {
  const raw = src.column(m.column);
  let e = raw.text ? ident(raw.sql) : d.asText(ident(raw.sql));
  if (m.trim) e = `trim(${e})`;
  e = `NULLIF(${e}, '')`;
  if (m.case === 'upper') e = `upper(${e})`;
  if (m.case === 'lower') e = `lower(${e})`;
  return e;
}

function convert(d: Dialect, src: OpenSource, e: string, type: FieldType, m: ColumnMapping, p: Params): string {
  if (type !== 'date') return d.tryCast(e, type);
  const formats = m.format === undefined ? [] : [m.format, ...(src.def.format === 'csv' ? [] : ISO_FORMATS)];
  return d.parseDate(e, formats, p);
}

/**
 * A column that already holds the field's type (a date column for a date field) is taken as it is,
 * unless the mapping recodes it: converting through text would only cost time.
 */
function direct(src: OpenSource, m: ColumnMapping, type: FieldType): boolean {
  const native = src.column(m.column).native;
  return native !== undefined && native !== 'text' && native === type && !m.values?.length && m.extract === undefined && m.case === undefined;
}

function valueExpr(d: Dialect, src: OpenSource, field: string, type: FieldType, m: ColumnMapping, p: Params): string {
  if (direct(src, m, type)) return `CAST(${cleanCol(field)} AS ${d.type(type)})`;
  const clean = cleanCol(field);
  const rest = m.extract ? d.regexExtract(clean, m.extract, p) : clean;
  const converted = convert(d, src, rest, type, m, p);
  if (!m.values?.length) return converted;
  const whens = m.values.map(([from, to]) => {
    const target = to === null ? `CAST(NULL AS ${d.type(type)})` : `CAST(${p.add(String(to))} AS ${d.type(type)})`;
    return `WHEN ${p.add(from)} THEN ${target}`;
  });
  return `(CASE ${clean} ${whens.join(' ')} ELSE ${converted} END)`;
}

/** Whether a mapping can meet a value it cannot read (plain text, or a column of the right type, never fails). */
export function fallible(req: Request, src: OpenSource, m: ColumnMapping, field: string): boolean {
  const type = req.fields[field]!.type;
  return !direct(src, m, type) && (type !== 'text' || m.extract !== undefined);
}

/** Source values a mapping turns into blank on purpose (e.g. "Investigation ongoing" → no outcome). */
export function blankOnPurpose(m: ColumnMapping): string[] {
  return (m.values ?? []).filter(([, to]) => to === null).map(([from]) => from);
}

/**
 * SELECT of the given fields from one source, each as its typed value, plus for every field whose
 * mapping can fail, `__bad_<field>`: the cleaned text when it was there but could not be read.
 */
export function mappedSelect(d: Dialect, req: Request, src: OpenSource, fields: string[], p: Params): string {
  const mapped = fields.filter((f) => src.def.columns[f]);
  // A column of the field's own type passes through as it is; the rest are cleaned as text.
  const inner = mapped.map((f) => {
    const m = src.def.columns[f]!;
    return `${direct(src, m, req.fields[f]!.type) ? ident(src.column(m.column).sql) : cleanExpr(d, src, m)} AS ${cleanCol(f)}`;
  });
  const outer = fields.map((f) => {
    const m = src.def.columns[f];
    const type = req.fields[f]!.type;
    return m ? `${valueExpr(d, src, f, type, m, p)} AS ${ident(f)}` : `CAST(NULL AS ${d.type(type)}) AS ${ident(f)}`;
  });
  const bad = fields.map((f) => {
    const m = src.def.columns[f];
    if (!m || !fallible(req, src, m, f)) return `CAST(NULL AS ${d.type('text')}) AS ${badCol(f)}`;
    const blanks = blankOnPurpose(m);
    const onPurpose = blanks.length ? ` AND ${cleanCol(f)} NOT IN (${blanks.map((b) => p.add(b)).join(', ')})` : '';
    return `(CASE WHEN ${cleanCol(f)} IS NOT NULL AND ${ident(f)} IS NULL${onPurpose} THEN ${cleanCol(f)} END) AS ${badCol(f)}`;
  });
  const innerSql = inner.length ? inner.join(', ') : '1 AS "__none"';
  // Two steps: the typed values, then whether each was read; the second refers to the first by name.
  return (
    `SELECT ${[...fields.map(ident), ...bad].join(', ')} FROM (SELECT ${[...outer, ...mapped.map(cleanCol)].join(', ')} ` +
    `FROM (SELECT ${innerSql} FROM ${src.relation(p)}) AS "raw") AS "typed"`
  );
}
