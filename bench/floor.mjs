// The floor for `npm run bench`: the benchmark spec's six tables (bench/request.yaml), answered
// by hand-written SQL directly on @duckdb/node-api, with nothing else around it: no spec, no
// letter, no annex, no record. foi cannot be faster than this by much; the benchmark reports
// how much slower it is.
//
// One pass reads only the needed columns, parses and normalises them as the spec declares
// (trim + upper on the flag, upper on the offence code, strptime '%d-%b-%Y' on the date, the
// outcome as an integer) and keeps the records meeting the criteria; then one GROUPING SETS
// query per table. Prints the figures as JSON in foi's stored-results shape (r, c, gr, gc, v).
//
//   node bench/floor.mjs <cms_extract.csv> [--from 2014-01-01] [--to 2017-12-04]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';

export const HEADER = ['CRIME_NO', 'STATS_DATE', 'HO_CLASS', 'HO_DESC', 'ONLINE_FLAG', 'OUTCOME_CODE', 'OUTCOME_DESC', 'VICTIM_REF', 'SUSPECT_REF', 'MO_TEXT'];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string', default: '2014-01-01' },
    to: { type: 'string', default: '2017-12-04' }, // the request's period ∩ the source's period
  },
});
const file = positionals[0];
if (!file) {
  process.stderr.write('usage: node bench/floor.mjs <cms_extract.csv> [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n');
  process.exit(2);
}
const iso = /^\d{4}-\d{2}-\d{2}$/;
if (!iso.test(values.from) || !iso.test(values.to)) throw new Error('--from and --to are YYYY-MM-DD');

const started = performance.now();
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await instance.connect();

const columns = `{${HEADER.map((h) => `'${h}': 'VARCHAR'`).join(', ')}}`;
await con.run(
  `CREATE TEMP TABLE t AS
   SELECT year(d) AS y, offence, victim, suspect IS NOT NULL AS has_suspect, outcome
   FROM (
     SELECT strptime(STATS_DATE, '%d-%b-%Y')::DATE AS d,
            upper(trim(HO_CLASS)) AS offence,
            upper(trim(ONLINE_FLAG)) AS flag,
            trim(VICTIM_REF) AS victim,
            NULLIF(trim(SUSPECT_REF), '') AS suspect,
            TRY_CAST(NULLIF(trim(OUTCOME_CODE), '') AS INTEGER) AS outcome
     FROM read_csv($file, auto_detect = false, header = true, delim = ',', quote = '"', escape = '"',
                   strict_mode = true, columns = ${columns})
   )
   WHERE flag = 'Y' AND offence IN ('8L', '8M', '8Q') AND d BETWEEN $from::DATE AND $to::DATE`,
  { file: path.resolve(file), from: values.from, to: values.to },
);

// Rows only: the column dimension is absent (c null, gc 1), as foi stores it.
const byRows = (r, measure, where = 'true') =>
  `SELECT CAST(${r} AS VARCHAR) AS r, NULL::VARCHAR AS c, grouping(${r}) AS gr, 1 AS gc, ${measure} AS v
   FROM t WHERE ${where} GROUP BY GROUPING SETS ((${r}), ())`;
const crossTab = (r, c, measure, where = 'true') =>
  `SELECT CAST(${r} AS VARCHAR) AS r, CAST(${c} AS VARCHAR) AS c, grouping(${r}) AS gr, grouping(${c}) AS gc, ${measure} AS v
   FROM t WHERE ${where} GROUP BY GROUPING SETS ((${r}, ${c}), (${r}), (${c}), ())`;

const QUERIES = {
  crimes_by_year: byRows('y', 'count(*)'),
  crimes_by_offence: crossTab('offence', 'y', 'count(*)'),
  suspect_identified_by_year: byRows('y', 'count(*)', 'has_suspect'),
  victims_by_year: byRows('y', 'count(DISTINCT victim)'),
  outcomes_suspect_identified: crossTab('outcome', 'y', 'count(*)', 'has_suspect'),
  charged_by_year: byRows('y', 'count(*)', 'outcome = 1'),
};

const tables = {};
for (const [id, sql] of Object.entries(QUERIES)) {
  const reader = await con.runAndReadAll(`${sql} ORDER BY gr, r, gc, c`);
  tables[id] = reader.getRowObjectsJS().map((row) => ({
    r: row.r ?? null,
    c: row.c ?? null,
    gr: Number(row.gr),
    gc: Number(row.gc),
    v: Number(row.v),
  }));
}
con.closeSync();
instance.closeSync();

process.stdout.write(JSON.stringify({ file: path.resolve(file), from: values.from, to: values.to, seconds: (performance.now() - started) / 1000, tables }) + '\n');
