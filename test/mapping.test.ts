/** Value normalisation per source: hand-keyed flags, outcome text, blanks, unrecognised values. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDb, type Db } from '../src/db/duckdb.js';
import { duckdb } from '../src/query/dialect.js';
import { mappedSelect } from '../src/query/mapping.js';
import { Params } from '../src/query/params.js';
import { runQueries } from '../src/query/run.js';
import { openSources } from '../src/sources/index.js';
import { loadRequest } from '../src/spec/load.js';
import { copyFixture, edit } from './helpers/tmp.js';

let db: Db | undefined;
afterEach(() => db?.close());

async function mapped(dir: string) {
  const req = loadRequest(path.join(dir, 'request.yaml'));
  db = await openDuckDb();
  const sources = await openSources(req, db);
  const p = new Params();
  const fields = Object.keys(req.fields);
  const rows = await db.all(`SELECT * FROM (${mappedSelect(duckdb, req, sources[0]!, fields, p)}) ORDER BY "date"`, p.values);
  return { req, sources, rows, db };
}

describe('mapping onto the common fields', () => {
  it('reads dates by their format, trims and folds the hand-keyed flag (Y, y and "Y " are yes)', async () => {
    const dir = copyFixture('minimal');
    const { rows } = await mapped(dir);
    expect(rows.map((r) => [r.date, r.category, r.flag])).toEqual([
      ['2018-01-01', 'A', true],
      ['2018-03-15', 'B', true],
      ['2018-12-31', 'A', true],
      ['2019-01-01', 'A', false],
      ['2019-06-30', 'C', true],
      ['2019-07-01', 'A', true],
    ]);
  });

  it('extracts a number from text, maps named values to blank, and reports what it cannot read', async () => {
    const dir = copyFixture('minimal');
    fs.writeFileSync(
      path.join(dir, 'data.csv'),
      'when,cat,flag,outcome\n' +
        '01/01/2018,A,Y,Outcome 1 - Charged/Summonsed\n' +
        '02/01/2018,A,Y,Outcome 15 - Evidential difficulties\n' +
        '03/01/2018,A,Y,Investigation ongoing\n' +
        '04/01/2018,A,X,\n' +
        '31/02/2018,A,Y,Outcome 3 - Adult Caution\n' +
        '05/01/2018,A,Y,Outcome unknown\n' +
        '05/01/2017,A,Y,Outcome unread outside the period\n',
    );
    edit(path.join(dir, 'request.yaml'), '  flag: { type: boolean, label: Flag }', '  flag: { type: boolean, label: Flag }\n  outcome: { type: integer, label: Outcome }');
    edit(
      path.join(dir, 'request.yaml'),
      '      category: cat\n',
      '      category: cat\n      outcome: { column: outcome, extract: "^Outcome (\\\\d+) - ", values: { "Investigation ongoing": null } }\n',
    );
    edit(path.join(dir, 'request.yaml'), '    rows: category\n', '    rows: outcome\n');
    const { req, rows, sources, db } = await mapped(dir);
    expect(rows.map((r) => [r.date, r.flag, r.outcome])).toEqual([
      ['2017-01-05', true, null],
      ['2018-01-01', true, '1'],
      ['2018-01-02', true, '15'],
      ['2018-01-03', true, null],
      ['2018-01-04', null, null],
      ['2018-01-05', true, null],
      [null, true, '3'],
    ]);
    const { quality } = await runQueries(req, db, sources);
    // Unreadable values inside the period the source is read for; a bad date wherever it is.
    expect(quality).toEqual([
      { source: 'main', field: 'date', column: 'when', count: 1, examples: ['31/02/2018'] },
      { source: 'main', field: 'flag', column: 'flag', count: 1, examples: ['X'] },
      { source: 'main', field: 'outcome', column: 'outcome', count: 1, examples: ['Outcome unknown'] },
    ]);
  });
});
