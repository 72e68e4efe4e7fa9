#!/usr/bin/env node
/**
 * Loads the example's two extracts into PostgreSQL, as an authority's reporting database would
 * hold them (typed columns: dates as DATE/TIMESTAMP, outcome codes as INTEGER; hand-keyed flags
 * left as keyed), so that requests/20192133-pg/request.yaml can answer the request there.
 *
 *   node scripts/load-example-pg.mjs [schema]      (connection from FOI_PG_URL)
 *
 * Used by `npm run example:pg` and by the tests (each with its own schema).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REQ = path.join(ROOT, 'requests/20192133');

const CMS_COLUMNS = [
  ['crime_no', 'TEXT'], ['stats_date', 'DATE'], ['ho_class', 'TEXT'], ['ho_desc', 'TEXT'], ['online_flag', 'TEXT'],
  ['outcome_code', 'INTEGER'], ['outcome_desc', 'TEXT'], ['victim_ref', 'TEXT'], ['suspect_ref', 'TEXT'], ['mo_text', 'TEXT'],
];
const CONNECT_COLUMNS = [
  ['crime_reference', 'TEXT'], ['incident_created_at', 'TIMESTAMP'], ['offence_code', 'TEXT'], ['offence_description', 'TEXT'],
  ['online_crime_flag', 'TEXT'], ['outcome', 'TEXT'], ['victim_person_id', 'TEXT'], ['suspect_person_id', 'TEXT'],
  ['migrated_from_cms', 'TEXT'], ['legacy_crime_no', 'TEXT'],
];

async function readCms() {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const r = await c.runAndReadAll(
    `SELECT CRIME_NO, strftime(strptime(STATS_DATE, '%d-%b-%Y'), '%Y-%m-%d'), HO_CLASS, HO_DESC, ONLINE_FLAG,
            OUTCOME_CODE, OUTCOME_DESC, VICTIM_REF, SUSPECT_REF, MO_TEXT
       FROM read_csv($1, header = true, all_varchar = true)`,
    [path.join(REQ, 'cms_extract.csv')],
  );
  const rows = r.getRowsJson();
  c.closeSync();
  db.closeSync();
  return rows;
}

async function readConnect() {
  const { readXlsxSheet } = await import(path.join(ROOT, 'dist/sources/xlsx-reader.js'));
  const bytes = fs.readFileSync(path.join(REQ, 'connect_extract.xlsx'));
  return readXlsxSheet(bytes, { sheet: 'Crimes', headerRow: 4, file: 'connect_extract.xlsx' }).rows;
}

async function insert(client, table, columns, rows) {
  const per = 500;
  for (let i = 0; i < rows.length; i += per) {
    const batch = rows.slice(i, i + per);
    const params = [];
    const tuples = batch.map((row) => `(${row.map((v) => (params.push(v === '' ? null : v), `$${params.length}`)).join(', ')})`);
    await client.query(`INSERT INTO ${table} (${columns.map(([n]) => n).join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}

export async function loadExample(url, schema = 'foi_example') {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`CREATE TABLE ${schema}.cms_crimes (${CMS_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`);
    await client.query(`CREATE TABLE ${schema}.connect_crimes (${CONNECT_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`);
    const [cms, connect] = [await readCms(), await readConnect()];
    await insert(client, `${schema}.cms_crimes`, CMS_COLUMNS, cms);
    await insert(client, `${schema}.connect_crimes`, CONNECT_COLUMNS, connect);
    return { cms: cms.length, connect: connect.length };
  } finally {
    await client.end();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const url = process.env.FOI_PG_URL;
  if (!url) {
    console.error('set FOI_PG_URL, e.g. FOI_PG_URL=postgresql://postgres@127.0.0.1:5432/test');
    process.exit(2);
  }
  const n = await loadExample(url, process.argv[2]);
  console.log(`loaded ${n.cms} CMS(ii) and ${n.connect} CONNECT records into ${process.argv[2] ?? 'foi_example'}`);
}
