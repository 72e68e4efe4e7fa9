/** Criteria compile to SQL with bound parameters and mean what an FOI officer expects. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, type Db } from '../src/db/duckdb.js';
import { conditionSql } from '../src/query/compile.js';
import { duckdb } from '../src/query/dialect.js';
import { Params } from '../src/query/params.js';
import { parseCondition } from '../src/spec/condition.js';
import { loadRequest } from '../src/spec/load.js';
import type { Request } from '../src/types.js';
import { FIXTURES } from './helpers/tmp.js';

let req: Request;
let db: Db;

beforeAll(async () => {
  req = loadRequest(path.join(FIXTURES, 'minimal/request.yaml'));
  req.fields.n = { type: 'integer', label: 'N' };
  db = await openDuckDb();
  await db.run(`CREATE TABLE t ("date" DATE, category VARCHAR, flag BOOLEAN, n BIGINT)`);
  await db.run(`INSERT INTO t VALUES
    ('2018-01-01', 'A', true, 1), ('2018-06-30', 'B', false, 2), ('2019-01-01', NULL, NULL, NULL),
    ('2019-12-31', 'Bee', true, 10), ('2020-01-01', 'a''; DROP TABLE t; --', true, 5)`);
});
afterAll(() => db.close());

async function select(cond: object): Promise<string[]> {
  const p = new Params();
  const where = conditionSql(duckdb, req, parseCondition(cond, ['where']), p);
  const rows = await db.all(`SELECT CAST("date" AS VARCHAR) AS d FROM t WHERE ${where} ORDER BY d`, p.values);
  return rows.map((r) => String(r.d));
}

describe('criteria compilation', () => {
  it('binds every value as a parameter and never writes it into the SQL', () => {
    const p = new Params();
    const hostile = "x'; DROP TABLE t; --";
    const sql = conditionSql(duckdb, req, parseCondition({ category: [hostile, 'B'], flag: true }, []), p);
    expect(sql).not.toContain('DROP');
    expect(sql).not.toContain("'");
    expect(p.values).toEqual([hostile, 'B', 'true']);
    expect(sql).toMatch(/list_contains\(\[\$1, \$2\], "category"\)/);
  });

  it('a hostile value is just a value: it matches itself and the table survives', async () => {
    expect(await select({ category: "a'; DROP TABLE t; --" })).toEqual(['2020-01-01']);
    expect((await db.all('SELECT count(*) AS n FROM t'))[0]!.n).toBe('5');
  });

  it('equals, in, not in, not (blank values are "not" anything)', async () => {
    expect(await select({ category: 'A' })).toEqual(['2018-01-01']);
    expect(await select({ category: ['A', 'B'] })).toEqual(['2018-01-01', '2018-06-30']);
    expect(await select({ category: { not_in: ['A', 'B'] } })).toEqual(['2019-01-01', '2019-12-31', '2020-01-01']);
    expect(await select({ category: { not: 'A' } })).toEqual(['2018-06-30', '2019-01-01', '2019-12-31', '2020-01-01']);
  });

  it('between, before, after, from, to on dates and numbers (inclusive where they say so)', async () => {
    expect(await select({ date: { between: ['2018-06-30', '2019-12-31'] } })).toEqual(['2018-06-30', '2019-01-01', '2019-12-31']);
    expect(await select({ date: { before: '2018-06-30' } })).toEqual(['2018-01-01']);
    expect(await select({ date: { after: '2019-12-31' } })).toEqual(['2020-01-01']);
    expect(await select({ date: { from: '2019-12-31' } })).toEqual(['2019-12-31', '2020-01-01']);
    expect(await select({ n: { to: 2 } })).toEqual(['2018-01-01', '2018-06-30']);
  });

  it('blank and not blank', async () => {
    expect(await select({ category: { blank: true } })).toEqual(['2019-01-01']);
    expect(await select({ n: { blank: false }, flag: false })).toEqual(['2018-06-30']);
  });

  it('contains (ignoring case) and pattern', async () => {
    expect(await select({ category: { contains: 'EE' } })).toEqual(['2019-12-31']);
    expect(await select({ category: { pattern: '^B' } })).toEqual(['2018-06-30', '2019-12-31']);
  });

  it('any / all / not combine conditions', async () => {
    expect(await select({ any: [{ category: 'A' }, { n: 10 }] })).toEqual(['2018-01-01', '2019-12-31']);
    expect(await select({ all: [{ flag: true }, { n: { from: 5 } }] })).toEqual(['2019-12-31', '2020-01-01']);
    // "not" includes records where the field is blank: they are not category A either.
    expect(await select({ not: { category: 'A' } })).toEqual(['2018-06-30', '2019-01-01', '2019-12-31', '2020-01-01']);
  });

  it('refuses an unknown test with the list of tests', () => {
    expect(() => parseCondition({ category: { equal: 'A' } }, ['criteria', 'where'])).toThrow(/unknown test "equal"/);
  });
});
