/**
 * Breakdowns and measures against counts made here in plain code: calendar, financial year,
 * quarter, month, any field, cross-tabs with totals, distinct counts, sums, every category shown
 * even when 0, and the raw SQL escape hatch.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildResponse } from '../src/pipeline.js';
import { loadValidRequest, validateSpec } from '../src/spec/validate.js';
import type { ResultTable } from '../src/types.js';
import { writeRequest, type SpecParts } from './helpers/spec.js';

interface Rec {
  date: string;
  category: string;
  person: string;
  amount: number;
  flag: string;
}

/** Deterministic pseudo-random records (a linear congruential generator). */
function records(n: number): Rec[] {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const start = Date.UTC(2018, 0, 1);
  return Array.from({ length: n }, () => ({
    date: new Date(start + Math.floor(rnd() * 912) * 86_400_000).toISOString().slice(0, 10),
    category: ['A', 'B', 'C', 'D'][Math.floor(rnd() * 4)]!,
    person: `P${1 + Math.floor(rnd() * 25)}`,
    amount: Math.round(rnd() * 10000) / 100,
    flag: rnd() < 0.8 ? 'Y' : 'N',
  }));
}

const RECS = records(400);
const FROM = '2018-04-01';
const TO = '2020-03-31';
const kept = RECS.filter((r) => r.flag === 'Y' && r.date >= FROM && r.date <= TO);
const count = <K>(key: (r: Rec) => K, rs = kept) => rs.reduce((m, r) => m.set(key(r), (m.get(key(r)) ?? 0) + 1), new Map<K, number>());

const parts: SpecParts = {
  fields: {
    date: { type: 'date', label: 'Date' },
    category: { type: 'text', label: 'Category', values: { A: 'Alpha', B: 'Beta', C: 'Gamma', E: 'Epsilon' } },
    person: { type: 'text', label: 'Person' },
    amount: { type: 'number', label: 'Amount' },
    flag: { type: 'boolean', label: 'Flag' },
  },
  sources: {
    main: {
      name: 'Main',
      file: 'data.csv',
      period: {},
      columns: { date: 'date', category: 'category', person: 'person', amount: 'amount', flag: { column: 'flag', values: { Y: true, N: false } } },
    },
  },
  criteria: { period: { from: FROM, to: TO }, where: { flag: true } },
  tables: {
    by_fy: { title: 'By financial year', rows: 'financial_year' },
    by_quarter: { title: 'By quarter', rows: 'quarter' },
    by_month: { title: 'By month', rows: 'month' },
    cat_year: { title: 'Category by year', rows: 'category', columns: 'year' },
    people: { title: 'People by year', rows: 'year', measure: { count_distinct: 'person' } },
    amounts: { title: 'Amount by category', rows: 'category', measure: { sum: 'amount' } },
    raw: { title: 'Raw SQL', sql: 'SELECT category AS row, count(*) AS value FROM records GROUP BY 1 ORDER BY 1', rows_label: 'Category' },
    raw_cross: {
      title: 'Raw SQL cross-tab',
      sql: "SELECT person AS row, CASE WHEN amount >= 50 THEN 'high' ELSE 'low' END AS col, count(*) AS value FROM records WHERE person IN ('P1', 'P2') GROUP BY 1, 2 ORDER BY 1, 2",
      rows_label: 'Person',
      columns_label: 'Amount',
    },
  },
};

let tables: Map<string, ResultTable>;

beforeAll(async () => {
  const csv = 'date,category,person,amount,flag\n' + RECS.map((r) => `${r.date},${r.category},${r.person},${r.amount},${r.flag}`).join('\n') + '\n';
  const spec = writeRequest(parts, { 'data.csv': csv });
  const req = await loadValidRequest(spec, { cwd: path.dirname(spec) });
  const r = await buildResponse(req, { cwd: path.dirname(spec), cacheDir: false });
  tables = new Map(r.tables.map((t) => [t.id, t]));
});

const column = (t: ResultTable, j = 0) => t.cells.map((c) => c[j]);

describe('time breakdowns', () => {
  it('financial years run April to March', () => {
    const t = tables.get('by_fy')!;
    expect(t.rows.map((r) => r.label)).toEqual(['2018-19', '2019-20']);
    const fy = count((r) => (Number(r.date.slice(5, 7)) >= 4 ? Number(r.date.slice(0, 4)) : Number(r.date.slice(0, 4)) - 1));
    expect(column(t)).toEqual([fy.get(2018), fy.get(2019)]);
    expect(t.grandTotal).toBe(kept.length);
  });

  it('quarters and months, every one in the period, zeros included', () => {
    const q = tables.get('by_quarter')!;
    expect(q.rows).toHaveLength(8);
    const byQ = count((r) => `${r.date.slice(0, 4)} Q${Math.floor((Number(r.date.slice(5, 7)) - 1) / 3) + 1}`);
    expect(q.rows.map((r, i) => [r.label, column(q)[i]])).toEqual(q.rows.map((r) => [r.label, byQ.get(r.label) ?? 0]));
    const m = tables.get('by_month')!;
    expect(m.rows).toHaveLength(24);
    expect(m.rows[0]!.label).toBe('April 2018');
    expect(m.rows[23]!.label).toBe('March 2020');
    const byM = count((r) => r.date.slice(0, 7));
    expect(column(m)).toEqual(m.rows.map((r) => byM.get(`${Math.floor(Number(r.key) / 100)}-${String(Number(r.key) % 100).padStart(2, '0')}`) ?? 0));
  });
});

describe('fields, cross-tabs and measures', () => {
  it('a field by year: listed categories in order (zero rows included), others from the data after, with totals', () => {
    const t = tables.get('cat_year')!;
    expect(t.rows.map((r) => r.label)).toEqual(['Alpha', 'Beta', 'Gamma', 'Epsilon', 'D']);
    expect(t.cols.map((c) => c.label)).toEqual(['2018 (April to December)', '2019', '2020 (January to March)']);
    const by = count((r) => `${r.category}|${r.date.slice(0, 4)}`);
    t.rows.forEach((row, i) => {
      expect(t.cells[i]).toEqual(t.cols.map((c) => by.get(`${row.key}|${c.key}`) ?? 0));
      expect(t.rowTotals[i]).toBe(count((r) => r.category).get(String(row.key)) ?? 0);
    });
    expect(t.cells[3]).toEqual([0, 0, 0]);
    expect(t.colTotals).toEqual(t.cols.map((c) => count((r) => Number(r.date.slice(0, 4))).get(Number(c.key)) ?? 0));
    expect(t.grandTotal).toBe(kept.length);
  });

  it('distinct counts: the total counts each person once', () => {
    const t = tables.get('people')!;
    const years = [2018, 2019, 2020];
    expect(column(t)).toEqual(years.map((y) => new Set(kept.filter((r) => r.date.startsWith(String(y))).map((r) => r.person)).size));
    expect(t.grandTotal).toBe(new Set(kept.map((r) => r.person)).size);
    expect(t.grandTotal).toBeLessThan(column(t).reduce((a, b) => a! + b!, 0)!);
    expect(t.totalsAreDistinct).toBe(true);
  });

  it('sums are exact to the penny', () => {
    const t = tables.get('amounts')!;
    const sums = new Map<string, number>();
    for (const r of kept) sums.set(r.category, (sums.get(r.category) ?? 0) + Math.round(r.amount * 100));
    expect(t.rows.map((r, i) => [r.key, Math.round(column(t)[i]! * 100)])).toEqual(t.rows.map((r) => [r.key, sums.get(String(r.key)) ?? 0]));
    expect(Math.round(t.grandTotal * 100)).toBe([...sums.values()].reduce((a, b) => a + b, 0));
  });
});

describe('the raw SQL escape hatch', () => {
  it('runs one SELECT over the selected records, with totals summed', () => {
    const t = tables.get('raw')!;
    const by = count((r) => r.category);
    expect(t.rows.map((r, i) => [r.label, column(t)[i]])).toEqual(['A', 'B', 'C', 'D'].map((c) => [c, by.get(c) ?? 0]));
    expect(t.grandTotal).toBe(kept.length);
    const x = tables.get('raw_cross')!;
    expect(x.cols.map((c) => c.label)).toEqual(['high', 'low']);
    const cell = (p: string, hi: boolean) => kept.filter((r) => r.person === p && r.amount >= 50 === hi).length;
    expect(x.cells).toEqual([[cell('P1', true), cell('P1', false)], [cell('P2', true), cell('P2', false)]]);
  });

  it('a statement that is not a SELECT, or that reads a file, is refused', async () => {
    for (const [sql, message] of [
      ['DROP TABLE records', /cannot be run/],
      ["SELECT 'x' AS row, count(*) AS value FROM read_csv('/etc/passwd')", /failed: .*(disabled|Permission)/],
      ['SELECT 1 AS row, 2 AS value; SELECT 3 AS row, 4 AS value', /exactly one statement|cannot be run|failed/],
    ] as const) {
      const spec = writeRequest({ ...parts, tables: { raw: { title: 'Raw', sql } } }, { 'data.csv': 'date,category,person,amount,flag\n2019-01-01,A,P1,1,Y\n' });
      const req = await loadValidRequest(spec, { cwd: path.dirname(spec) });
      await expect(buildResponse(req, { cwd: path.dirname(spec), cacheDir: false })).rejects.toThrow(message);
    }
  });

  it('a table needs rows, and an SQL table takes no rows, measure or where', async () => {
    const spec = writeRequest({ ...parts, tables: { a: { title: 'A' }, b: { title: 'B', sql: 'SELECT 1 AS row, 1 AS value', measure: 'count' } } }, { 'data.csv': 'date,category,person,amount,flag\n' });
    const { problems } = await validateSpec(spec, { cwd: path.dirname(spec) });
    expect(problems.map((p) => [p.code, p.message])).toEqual([
      ['table-shape', 'the table "a" needs "rows" (what its rows break the figures down by)'],
      ['table-shape', 'the table "b" has its own sql, so "measure" would be ignored'],
    ]);
  });
});
