/** Loading a spec: the example is clean; mistakes are located at their line with a fix. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRequest, loadRequest } from '../src/spec/load.js';
import { formatProblem } from '../src/errors.js';
import { copyFixture, edit, ROOT } from './helpers/tmp.js';

const problemsOf = (dir: string) => checkRequest(path.join(dir, 'request.yaml'), { cwd: dir }).problems;

describe('loading a spec', () => {
  it('the example spec loads with no problems', () => {
    const { problems, request } = checkRequest('requests/20192133/request.yaml', { cwd: ROOT });
    expect(problems).toEqual([]);
    expect(request!.sources.map((s) => [s.id, s.format, s.period])).toEqual([
      ['cms', 'csv', { to: '2017-12-04' }],
      ['connect', 'xlsx', { from: '2017-12-05' }],
    ]);
    expect(request!.questions).toHaveLength(7);
    expect(request!.tables.map((t) => t.questions)).toEqual([[1], [2], [3], [4], [5], [6]]);
  });

  it('an unknown key is reported at its line with "did you mean"', () => {
    const dir = copyFixture('minimal');
    edit(path.join(dir, 'request.yaml'), 'letter_date:', 'leter_date:');
    const problems = problemsOf(dir);
    const unknown = problems.find((p) => p.code === 'schema-unknown-key')!;
    expect(unknown.location).toMatchObject({ file: 'request.yaml', line: 6, col: 1 });
    expect(unknown.hint).toBe('did you mean "letter_date"?');
    expect(problems.some((p) => p.code === 'schema-missing' && p.message.includes('letter_date'))).toBe(true);
  });

  it('an impossible date is located and explained', () => {
    const dir = copyFixture('minimal');
    edit(path.join(dir, 'request.yaml'), 'to: 2019-06-30', 'to: 2019-06-31');
    const [p] = problemsOf(dir);
    expect(formatProblem(p!)).toMatch(/^request\.yaml:\d+:\d+ error\[date-invalid\]: "2019-06-31" does not exist: June has 30 days/);
  });

  it('reports several problems at once', () => {
    const dir = copyFixture('minimal');
    edit(path.join(dir, 'request.yaml'), 'tables: [by_year]', 'tables: [by_yaer]');
    edit(path.join(dir, 'request.yaml'), 'rows: category', 'rows: categry');
    const codes = problemsOf(dir).map((p) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['answer-table-unknown', 'field-unknown']));
  });

  it('a missing data file names the file and where the spec names it', () => {
    const dir = copyFixture('minimal');
    edit(path.join(dir, 'request.yaml'), 'file: data.csv', 'file: dta.csv');
    expect(() => loadRequest(path.join(dir, 'request.yaml'), { cwd: dir })).toThrow(/the spec has 1 problem/);
    const [p] = problemsOf(dir);
    expect(p).toMatchObject({ code: 'source-missing', location: { file: 'request.yaml', line: 24, col: 11 } });
  });
});
