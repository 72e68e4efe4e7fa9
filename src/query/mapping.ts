/**
 * Per-source mapping onto the common fields, as SQL over a raw table of text columns. Two layers:
 * `clean` (trim, blank → null, case) and the field value (recode, extract, convert to the field's
 * type). Keeping both lets the run report values the mapping did not recognise.
 */
import { ident } from '../db/duckdb.js';
import type { FieldT } from '../spec/schema.js';
import type { ColumnMapping, Request } from '../types.js';
import type { OpenSource } from '../sources/index.js';
import type { Params } from './params.js';

export const SQL_TYPE: Record<FieldT['type'], string> = {
  text: 'VARCHAR',
  date: 'DATE',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
};

const cleanCol = (field: string) => ident(`clean_${field}`);

function cleanExpr(raw: string, m: ColumnMapping): string {
  let e = raw;
  if (m.trim) e = `trim(${e})`;
  e = `NULLIF(${e}, '')`;
  if (m.case === 'upper') e = `upper(${e})`;
  if (m.case === 'lower') e = `lower(${e})`;
  return e;
}

/** Text → the field's type; a value that does not convert becomes null (and is reported). */
function convert(e: string, type: FieldT['type'], m: ColumnMapping, p: Params): string {
  switch (type) {
    case 'text':
      return e;
    case 'date':
      return m.format
        ? `CAST(COALESCE(TRY_CAST(${e} AS TIMESTAMP), TRY_STRPTIME(${e}, ${p.add(m.format)})) AS DATE)`
        : `CAST(TRY_CAST(${e} AS TIMESTAMP) AS DATE)`;
    default:
      return `TRY_CAST(${e} AS ${SQL_TYPE[type]})`;
  }
}

function valueExpr(field: string, type: FieldT['type'], m: ColumnMapping, p: Params): string {
  const clean = cleanCol(field);
  const rest = m.extract ? `NULLIF(regexp_extract(${clean}, ${p.add(m.extract)}, 1), '')` : clean;
  const converted = convert(rest, type, m, p);
  if (!m.values?.length) return converted;
  const whens = m.values.map(([from, to]) => {
    const target = to === null ? `CAST(NULL AS ${SQL_TYPE[type]})` : `CAST(${p.add(String(to))} AS ${SQL_TYPE[type]})`;
    return `WHEN ${p.add(from)} THEN ${target}`;
  });
  return `CASE ${clean} ${whens.join(' ')} ELSE ${converted} END`;
}

/**
 * SELECT of every common field from one source. With `withClean`, the cleaned text of each mapped
 * field is kept alongside (as clean_<field>) for data-quality checks.
 */
export function mappedSelect(req: Request, src: OpenSource, p: Params, withClean = false): string {
  const fields = Object.entries(req.fields);
  const inner = fields
    .filter(([f]) => src.def.columns[f])
    .map(([f]) => `${cleanExpr(ident(src.column(src.def.columns[f]!.column)), src.def.columns[f]!)} AS ${cleanCol(f)}`);
  const outer = fields.map(([f, def]) => {
    const m = src.def.columns[f];
    return m ? `${valueExpr(f, def.type, m, p)} AS ${ident(f)}` : `CAST(NULL AS ${SQL_TYPE[def.type]}) AS ${ident(f)}`;
  });
  if (withClean) outer.push(...fields.filter(([f]) => src.def.columns[f]).map(([f]) => cleanCol(f)));
  const innerSql = inner.length ? inner.join(', ') : '1 AS "_"';
  return `SELECT ${outer.join(', ')} FROM (SELECT ${innerSql} FROM ${ident(src.table)}) AS "clean"`;
}

/** Source values a mapping turns into blank on purpose (e.g. "Investigation ongoing" → no outcome). */
export function blankOnPurpose(m: ColumnMapping): string[] {
  return (m.values ?? []).filter(([, to]) => to === null).map(([from]) => from);
}
