/**
 * Every kind of source, with small files written here: CSV and TSV (delimiter, quoting, header
 * row, UTF-8 with and without BOM, Windows-1252), XLSX (sheet, header row, Excel date cells and
 * text dates), Parquet, JSON and NDJSON; and the ingest cache.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { openDuckDb } from '../src/db/duckdb.js';
import { buildResponse } from '../src/pipeline.js';
import { loadValidRequest, validateSpec } from '../src/spec/validate.js';
import type { ResultTable } from '../src/types.js';
import { writeRequest, type SpecParts } from './helpers/spec.js';
import { tmpDir } from './helpers/tmp.js';

/** The records every source below holds, in its own shape: [date, category, flag]. */
const RECORDS: [string, string, string][] = [
  ['2019-01-05', '£5 café €', 'Y'],
  ['2019-02-10', 'Plain, with "quotes"', 'y'],
  ['2019-03-15', '£5 café €', 'N'],
  ['2019-12-31', 'Multi\nline', 'Y '],
  ['2020-06-01', 'Plain, with "quotes"', 'Y'],
];

/** What the tables must show, counted here in plain code. */
function expected(records = RECORDS) {
  const kept = records.filter(([, , f]) => f.trim().toUpperCase() === 'Y');
  const byYear = new Map<number, number>();
  const byCategory = new Map<string, number>();
  for (const [d, c] of kept) {
    byYear.set(Number(d.slice(0, 4)), (byYear.get(Number(d.slice(0, 4))) ?? 0) + 1);
    byCategory.set(c, (byCategory.get(c) ?? 0) + 1);
  }
  return { total: kept.length, byYear, byCategory };
}

function parts(source: Record<string, unknown>): SpecParts {
  return {
    fields: { date: { type: 'date', label: 'Date' }, category: { type: 'text', label: 'Category' }, flag: { type: 'boolean', label: 'Flag' } },
    sources: { main: { name: 'Main', period: {}, ...source } },
    criteria: { period: { from: '2019-01-01', to: '2020-12-31' }, where: { flag: true } },
    tables: { by_year: { title: 'By year', rows: 'year' }, by_category: { title: 'By category', rows: 'category' } },
  };
}

const columns = (date: unknown = 'when') => ({
  date,
  category: 'what',
  flag: { column: 'flag', case: 'upper', values: { Y: true, N: false } },
});

async function answer(spec: string, cacheDir: string | false = false): Promise<{ tables: Map<string, ResultTable>; quality: unknown[] }> {
  const dir = path.dirname(spec);
  const req = await loadValidRequest(spec, { cwd: dir });
  const r = await buildResponse(req, { cwd: dir, cacheDir });
  return { tables: new Map(r.tables.map((t) => [t.id, t])), quality: r.quality };
}

function checkFigures(tables: Map<string, ResultTable>, records = RECORDS): void {
  const want = expected(records);
  const byYear = tables.get('by_year')!;
  expect(byYear.rows.map((r) => r.key)).toEqual([2019, 2020]);
  expect(byYear.cells.map((c) => c[0])).toEqual([want.byYear.get(2019) ?? 0, want.byYear.get(2020) ?? 0]);
  expect(byYear.grandTotal).toBe(want.total);
  const byCategory = tables.get('by_category')!;
  const got = new Map(byCategory.rows.map((r, i) => [r.label, byCategory.cells[i]![0]!]));
  expect(got).toEqual(want.byCategory);
}

const csvField = (v: string, d = ',') => (/["\n\r]/.test(v) || v.includes(d) ? `"${v.replace(/"/g, '""')}"` : v);
const csvText = (d: string, rows = RECORDS, header = ['when', 'what', 'flag']) =>
  [header, ...rows].map((r) => r.map((v) => csvField(v, d)).join(d)).join('\r\n') + '\r\n';

describe('CSV and TSV', () => {
  it('UTF-8 with a byte-order mark, quoted fields holding the delimiter, quotes and line breaks', async () => {
    const spec = writeRequest(parts({ file: 'data.csv', columns: columns({ column: 'when' }) }), { 'data.csv': '\ufeff' + csvText(',') });
    const { tables, quality } = await answer(spec);
    checkFigures(tables);
    expect(quality).toEqual([]);
  });

  it('a semicolon delimiter and the header on row 3 (title lines above it)', async () => {
    const spec = writeRequest(parts({ file: 'data.csv', csv: { delimiter: ';', header_row: 3 }, columns: columns() }), {
      'data.csv': 'Extract of crimes;;\r\nRun 2020-07-01;;\r\n' + csvText(';'),
    });
    checkFigures((await answer(spec)).tables);
  });

  it('TSV by its extension', async () => {
    const spec = writeRequest(parts({ file: 'data.tsv', columns: columns() }), { 'data.tsv': csvText('\t') });
    checkFigures((await answer(spec)).tables);
  });

  it('Windows-1252: "£", "é" and "€" survive', async () => {
    const bytes = Buffer.from(
      csvText(',')
        .split('')
        .map((ch) => ({ '£': 0xa3, é: 0xe9, '€': 0x80 })[ch] ?? ch.charCodeAt(0)),
    );
    expect(bytes.includes(0x80)).toBe(true);
    const spec = writeRequest(parts({ file: 'data.csv', csv: { encoding: 'windows-1252' }, columns: columns() }), { 'data.csv': bytes });
    const { tables } = await answer(spec);
    checkFigures(tables);
    expect(tables.get('by_category')!.rows.map((r) => r.label)).toContain('£5 café €');
  });
});

describe('XLSX', () => {
  it('a named sheet, the header on row 2, real Excel date cells and text dates in one column', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Notes').addRow(['not this sheet']);
    const ws = wb.addWorksheet('Data');
    ws.addRow(['Crimes extract']);
    ws.addRow(['when', 'what', 'flag']);
    RECORDS.forEach(([d, c, f], i) => {
      // Alternate: a real date cell, then the date as text the way a system prints it.
      const [y, m, dd] = d.split('-').map(Number) as [number, number, number];
      const text = `${String(dd).padStart(2, '0')}-${['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'][m - 1]}-${y}`;
      const row = ws.addRow([i % 2 === 0 ? new Date(Date.UTC(y, m - 1, dd, 13, 30)) : text, c, f]);
      if (i % 2 === 0) row.getCell(1).numFmt = 'dd/mm/yyyy hh:mm';
    });
    const dir = tmpDir();
    await wb.xlsx.writeFile(path.join(dir, 'data.xlsx'));
    const spec = writeRequest(parts({ file: 'data.xlsx', xlsx: { sheet: 'Data', header_row: 2 }, columns: columns({ column: 'when', format: '%d-%b-%Y' }) }), {
      'data.xlsx': fs.readFileSync(path.join(dir, 'data.xlsx')),
    });
    const { tables, quality } = await answer(spec);
    checkFigures(tables);
    expect(quality).toEqual([]);
  });
});

describe('Parquet, JSON and NDJSON', () => {
  it('Parquet with typed columns (a DATE column needs no format)', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'data.parquet');
    const db = await openDuckDb();
    await db.run(`CREATE TABLE t ("when" DATE, what VARCHAR, flag VARCHAR)`);
    for (const r of RECORDS) await db.run('INSERT INTO t VALUES (CAST($1 AS DATE), $2, $3)', r);
    await db.run(`COPY t TO $1 (FORMAT parquet)`, [file]);
    db.close();
    const spec = writeRequest(parts({ file: 'data.parquet', columns: columns() }), { 'data.parquet': fs.readFileSync(file) });
    checkFigures((await answer(spec)).tables);
  });

  it('JSON (an array of objects) and NDJSON (one object per line)', async () => {
    const objects = RECORDS.map(([when, what, flag]) => ({ when, what, flag }));
    const json = writeRequest(parts({ file: 'data.json', columns: columns() }), { 'data.json': JSON.stringify(objects) });
    checkFigures((await answer(json)).tables);
    const ndjson = writeRequest(parts({ file: 'data.ndjson', columns: columns() }), { 'data.ndjson': objects.map((o) => JSON.stringify(o)).join('\n') + '\n' });
    checkFigures((await answer(ndjson)).tables);
  });

  it('malformed JSON is a clear error naming the file', async () => {
    const spec = writeRequest(parts({ file: 'data.json', columns: columns() }), { 'data.json': '[{"when": "2019-01-05", ' });
    const { problems } = await validateSpec(spec, { cwd: path.dirname(spec) });
    expect(problems.map((p) => [p.code, p.location?.file])).toEqual([['json-unreadable', 'request.yaml']]);
    expect(problems[0]!.message).toMatch(/"data\.json" cannot be read as JSON/);
  });
});

describe('the ingest cache', () => {
  async function workbook(dir: string, rows = RECORDS): Promise<void> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Data');
    ws.addRow(['when', 'what', 'flag']);
    for (const r of rows) ws.addRow(r);
    await wb.xlsx.writeFile(path.join(dir, 'data.xlsx'));
  }

  async function run(spec: string, cache: string) {
    const dir = path.dirname(spec);
    const req = await loadValidRequest(spec, { cwd: dir });
    const db = await openDuckDb();
    try {
      const { openSources } = await import('../src/sources/index.js');
      const sources = await openSources(req, db, { cacheDir: cache });
      return sources[0]!.cached;
    } finally {
      db.close();
    }
  }

  it('parses a workbook once; a changed workbook is parsed again; the cache is safe to delete', async () => {
    const spec = writeRequest(parts({ file: 'data.xlsx', columns: columns() }));
    const dir = path.dirname(spec);
    await workbook(dir);
    const cache = path.join(tmpDir(), 'cache');
    expect(await run(spec, cache)).toBe(false);
    expect(fs.readdirSync(cache).some((f) => f.endsWith('.parquet'))).toBe(true);
    expect(await run(spec, cache)).toBe(true);
    checkFigures((await answer(spec, cache)).tables);

    const changed = [...RECORDS, ['2020-07-01', 'New', 'Y'] as [string, string, string]];
    await workbook(dir, changed);
    expect(await run(spec, cache)).toBe(false);
    checkFigures((await answer(spec, cache)).tables, changed);

    fs.rmSync(cache, { recursive: true });
    expect(await run(spec, cache)).toBe(false);
    checkFigures((await answer(spec, cache)).tables, changed);
  });
});
