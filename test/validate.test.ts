/** foi validate: every rule with its code, located; templates checked in every branch; the JSON Schema. */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatProblem, type Problem } from '../src/errors.js';
import { checkTemplate, checkTemplateFiles, list, obj, V } from '../src/render/template-check.js';
import { shapeTable } from '../src/query/run.js';
import { buildView, VIEW_SHAPE } from '../src/render/view.js';
import { specJsonSchemaText } from '../src/spec/json-schema.js';
import { loadRequest } from '../src/spec/load.js';
import { deadlineOf } from '../src/spec/rules.js';
import { validateSpec } from '../src/spec/validate.js';
import type { Shape } from '../src/render/template-check.js';
import { foi } from './helpers/cli.js';
import { copyFixture, edit, ROOT, tmpDir } from './helpers/tmp.js';

const EXAMPLE = 'requests/20192133';

/** A copy of the example request to break. */
function example(): string {
  const dir = tmpDir('foi-validate-');
  fs.cpSync(path.join(ROOT, EXAMPLE), dir, { recursive: true });
  return dir;
}

async function problems(dir: string): Promise<Problem[]> {
  return (await validateSpec(path.join(dir, 'request.yaml'), { cwd: dir })).problems;
}
const codes = (ps: Problem[]) => ps.map((p) => p.code);
const lineOf = (dir: string, text: string) => fs.readFileSync(path.join(dir, 'request.yaml'), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;

describe('the example and its two slips', () => {
  it('the example spec validates clean', async () => {
    expect(await problems(path.join(ROOT, EXAMPLE))).toEqual([]);
  });

  it('2019-09-31 fails at its line, saying September has 30 days', async () => {
    const dir = example();
    edit(path.join(dir, 'request.yaml'), 'to: 2019-09-30 }', 'to: 2019-09-31 }');
    const ps = await problems(dir);
    expect(codes(ps)).toEqual(['date-invalid']);
    expect(ps[0]!.location).toMatchObject({ file: 'request.yaml', line: lineOf(dir, '2019-09-31') });
    expect(ps[0]!.message).toBe('"2019-09-31" does not exist: September has 30 days');
  });

  it("CONNECT from 2014-12-05 fails at that line: the periods overlap and records would be counted twice", async () => {
    const dir = example();
    edit(path.join(dir, 'request.yaml'), 'period: { from: 2017-12-05 }', 'period: { from: 2014-12-05 }');
    const ps = await problems(dir);
    expect(codes(ps)).toEqual(['source-periods-overlap']);
    const line = lineOf(dir, 'from: 2014-12-05');
    const col = fs.readFileSync(path.join(dir, 'request.yaml'), 'utf8').split('\n')[line - 1]!.indexOf('2014-12-05') + 1;
    expect(ps[0]!.location).toMatchObject({ file: 'request.yaml', line, col });
    expect(ps[0]!.message).toContain('overlap from 5 December 2014 to 4 December 2017');
    expect(ps[0]!.message).toContain('counted twice');
    expect(ps[0]!.hint).toContain('(2017-12-05)');
  });
});

describe('rules', () => {
  const broken = async (from: string | RegExp, to: string, fixture = 'minimal') => {
    const dir = copyFixture(fixture);
    edit(path.join(dir, 'request.yaml'), from, to);
    return problems(dir);
  };

  it('29 February in a common year, month 13, and a malformed date', async () => {
    expect((await broken('received: 2020-01-06', 'received: 2019-02-29'))[0]!.message).toBe('"2019-02-29" does not exist: 2019 is not a leap year, so February has 28 days');
    expect((await broken('received: 2020-01-06', 'received: 2019-13-01'))[0]!.message).toContain('months run from 01 to 12');
    const malformed = await broken('received: 2020-01-06', 'received: 6/1/2020');
    expect(malformed[0]!.message).toContain('YYYY-MM-DD');
  });

  it('a period that ends before it starts', async () => {
    expect(codes(await broken('period: { from: 2018-01-01, to: 2019-06-30 }', 'period: { from: 2019-06-30, to: 2018-01-01 }'))).toContain('period-reversed');
  });

  it('a gap between sources, and a period no source covers', async () => {
    const gap = await broken('period: { from: 2018-01-01, to: 2019-12-31 }', 'period: { from: 2018-03-01, to: 2019-12-31 }');
    expect(codes(gap)).toEqual(['source-periods-gap']);
    expect(gap[0]!.message).toContain('1 January 2018 to 28 February 2018');
    const none = await broken('period: { from: 2018-01-01, to: 2019-12-31 }', 'period: { from: 2021-01-01 }');
    expect(codes(none)).toEqual(expect.arrayContaining(['source-periods-gap', 'source-unused']));
  });

  it('a column the extract does not have, with the nearest name', async () => {
    const ps = await broken('category: cat', 'category: Cat_');
    expect(ps).toHaveLength(1);
    expect(formatProblem(ps[0]!)).toMatch(/^request\.yaml:28:17 error\[source-column-unknown\]: "data\.csv" has no column "Cat_".*\n  hint: did you mean "cat"\?/);
  });

  it('a sheet or header row that does not exist', async () => {
    const dir = example();
    edit(path.join(dir, 'request.yaml'), 'xlsx: { sheet: Crimes, header_row: 4 }', 'xlsx: { sheet: Crime, header_row: 4 }');
    const ps = await problems(dir);
    expect(codes(ps)).toEqual(['xlsx-sheet-missing']);
    expect(ps[0]!.hint).toBe('did you mean "Crimes"?');
    expect(ps[0]!.location!.line).toBe(lineOf(dir, 'sheet: Crime,'));
    const dir2 = example();
    edit(path.join(dir2, 'request.yaml'), 'header_row: 4', 'header_row: 3');
    expect(codes(await problems(dir2))).toEqual(['xlsx-no-header']);
  });

  it('a question answered by a table that does not exist; a table no question uses', async () => {
    expect(codes(await broken('tables: [by_category]', 'tables: [by_categroy]'))).toEqual(['answer-table-unknown', 'table-unused']);
    const ps = await broken('tables: [by_category]', 'tables: [by_year]');
    expect(ps.map((p) => [p.code, p.severity])).toEqual([['table-unused', 'warning']]);
  });

  it('a question with no answer', async () => {
    const ps = await broken('  - text: By category?\n    answer: { kind: provided, tables: [by_category] }', '  - text: By category?');
    expect(ps.map((p) => p.message)).toContain('"questions.1" needs "answer"');
  });

  it('values of the wrong type, bad regular expressions and date formats', async () => {
    expect(codes(await broken('    flag: true', '    flag: 7'))).toEqual(['criterion-value-type']);
    expect(codes(await broken('values: { "Y": true, "N": false }', 'values: { "Y": yes please, "N": false }'))).toEqual(['mapping-value-type']);
    expect(codes(await broken('    flag: true', '    flag: true\n    date: { from: 2019-02-30 }'))).toEqual(['criterion-value-type']);
    expect(codes(await broken('category: cat', 'category: { column: cat, extract: "[A-Z]+" }'))).toEqual(['regex-invalid']);
    expect(codes(await broken('category: cat', 'category: { column: cat, extract: "(?<=x)(y)" }'))).toEqual(['regex-invalid']);
    expect(codes(await broken('format: "%d/%m/%Y"', 'format: "%d/%q/%Y"'))).toEqual(['date-format-invalid']);
  });

  it('fields, measures and sheet names', async () => {
    expect(codes(await broken('  flag: { type: boolean, label: Flag }', '  flag: { type: boolean, label: Flag }\n  year: { type: integer }'))).toEqual(['field-reserved']);
    expect(codes(await broken('    rows: year\n', '    rows: year\n    measure: { sum: category }\n'))).toEqual(['measure-field-type']);
    const sheet = await broken('    title: Incidents by year\n', '    title: Incidents by year\n    sheet: "Incidents: by year, 2018 to 2019 [all]"\n');
    expect(sheet.map((p) => [p.code, p.severity])).toEqual([['sheet-name', 'warning']]);
  });

  it('the letter dated before the request was received', async () => {
    expect(codes(await broken('letter_date: 2020-01-20', 'letter_date: 2020-01-02'))).toEqual(['letter-before-received']);
  });

  it('unknown keys with "did you mean", and every problem at once', async () => {
    const ps = await broken(/title: Test request\n/, 'titel: Test request\n');
    expect(ps.map((p) => [p.code, p.hint])).toEqual(
      expect.arrayContaining([
        ['schema-unknown-key', 'did you mean "title"?'],
        ['schema-missing', 'add "title:" (text)'],
      ]),
    );
  });
});

describe('templates', () => {
  const shape: Shape = obj({ a: V, people: list(obj({ name: V })), maybe: obj({ x: V }) });
  const check = (t: string) => checkTemplate(t, '/tmp/t.md.hbs', shape, new Map([['p', { text: '{{a}}', file: '/tmp/p.md.hbs' }]]));

  it('finds names the data lacks in every branch, not only those taken', () => {
    const ps = check('{{a}}\n{{#if maybe}}\n  {{maybe.y}}\n{{/if}}\n{{#each people}}{{nam}}{{@index}}{{../a}}{{/each}}');
    expect(ps.map((p) => [p.code, p.location?.line, p.location?.col, p.hint])).toEqual([
      ['template-unknown-value', 3, 5, 'did you mean "x"?'],
      ['template-unknown-value', 5, 19, 'did you mean "name"?'],
    ]);
  });

  it('unknown helpers and partials, and @index outside each', () => {
    expect(codes(check('{{#repeat a}}x{{/repeat}}{{> missing}}{{@index}}{{upper a}}'))).toEqual([
      'template-unknown-helper',
      'template-unknown-partial',
      'template-unknown-value',
      'template-unknown-helper',
    ]);
    expect(check('{{> p}}')).toEqual([]);
  });

  it('a syntax error is reported at its line in the template file, counting the front matter', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'letter.md.hbs');
    fs.writeFileSync(file, '---\nfont: Arial\n---\nDear {{name}},\n{{#if a}}\nno end\n');
    const [p] = checkTemplateFiles(file, [], shape);
    expect(p!.code).toBe('template-syntax');
    expect(p!.location!.line).toBeGreaterThanOrEqual(5);
  });

  it("the project's templates check clean against the data they are given", async () => {
    expect((await validateSpec(path.join(ROOT, EXAMPLE, 'request.yaml'), { cwd: ROOT })).problems).toEqual([]);
  });

  it('VIEW_SHAPE names exactly what buildView produces', () => {
    // A request with every kind of answer, so that every part of the view is there.
    const req = loadRequest(path.join(ROOT, 'test/fixtures/all-kinds/request.yaml'), { cwd: ROOT });
    // Tables with no rows (all zeros) are enough: the view's shape does not depend on the figures,
    // except that the cost estimate counts records from a table.
    const tables = req.tables.map((table) => shapeTable(req, { table, sql: '', params: [], rows: [{ r: null, c: null, gr: 1, gc: 1, v: '1000' }] }));
    const view = buildView(req, tables, deadlineOf(req));
    const nulls: string[] = [];
    const paths = (v: unknown, prefix = ''): string[] => {
      // Absent (null) parts are guarded by {{#if}} in templates: they may stand for any shape.
      if (v === null) return (nulls.push(prefix), []);
      if (Array.isArray(v)) return v.length ? [...new Set(v.flatMap((x) => paths(x, `${prefix}[]`)))] : [`${prefix}[]`];
      if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => paths(x, prefix ? `${prefix}.${k}` : k));
      return [prefix];
    };
    const shapePaths = (s: Shape, prefix = ''): string[] =>
      s.kind === 'object'
        ? Object.entries(s.fields).flatMap(([k, x]) => shapePaths(x, prefix ? `${prefix}.${k}` : k))
        : s.kind === 'list'
          ? shapePaths(s.of, `${prefix}[]`)
          : [prefix];
    // An empty list somewhere (a question with no tables) says nothing when another item has fields.
    const built = paths(view);
    const known = new Set(built.filter((p) => !(p.endsWith('[]') && built.some((q) => q.startsWith(`${p}.`)))));
    const declared = shapePaths(VIEW_SHAPE);
    for (const p of known) expect(declared, `built but not declared: ${p}`).toContain(p);
    for (const d of declared) {
      expect(known.has(d) || nulls.some((n) => d === n || d.startsWith(`${n}.`)), `declared but never built: ${d}`).toBe(true);
    }
  });
});

describe('JSON Schema for editors', () => {
  it('the committed schema/request.schema.json is what foi schema prints', () => {
    expect(fs.readFileSync(path.join(ROOT, 'schema/request.schema.json'), 'utf8')).toBe(specJsonSchemaText());
    const r = foi(['schema']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(specJsonSchemaText());
  });

  it('the example starts with the yaml-language-server modeline and is valid against the schema', () => {
    const text = fs.readFileSync(path.join(ROOT, EXAMPLE, 'request.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schema/request.schema.json');
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(specJsonSchemaText()));
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...parse(text), recieved: '2019-10-01' })).toBe(false);
  });
});

describe('foi validate (the command)', () => {
  it('exit 0 clean; 1 on errors; warnings fail only with --strict; --json lists problems', () => {
    const dir = copyFixture('minimal');
    edit(path.join(dir, 'request.yaml'), 'tables: [by_category]', 'tables: [by_year]');
    const warn = foi(['validate', 'request.yaml'], { cwd: dir });
    expect(warn.code).toBe(0);
    expect(warn.stderr).toMatch(/^request\.yaml:\d+:\d+ warning\[table-unused\]/m);
    expect(foi(['validate', 'request.yaml', '--strict'], { cwd: dir }).code).toBe(1);
    const lint = foi(['lint', 'request.yaml', '--json'], { cwd: dir });
    expect(JSON.parse(lint.stdout)).toMatchObject({ valid: true, errors: 0, warnings: 1, problems: [{ code: 'table-unused' }] });
  });
});

describe('the README', () => {
  it('lists every rule code', async () => {
    const { rules } = await import('../src/spec/rules.js');
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const r of rules) expect(readme, r.code).toContain(`\`${r.code}\``);
  });
});

describe('the statutory deadline', () => {
  it('a letter dated after it is a warning naming the due date', async () => {
    const dir = copyFixture('minimal');
    // Received Monday 6 January 2020: 20 working days later is Monday 3 February 2020.
    edit(path.join(dir, 'request.yaml'), 'letter_date: 2020-01-20', 'letter_date: 2020-02-04');
    const ps = await problems(dir);
    expect(ps.map((p) => [p.code, p.severity])).toEqual([['letter-after-deadline', 'warning']]);
    expect(ps[0]!.message).toContain('after the statutory deadline of 3 February 2020');
    const onTime = copyFixture('minimal');
    edit(path.join(onTime, 'request.yaml'), 'letter_date: 2020-01-20', 'letter_date: 2020-02-03');
    expect(await problems(onTime)).toEqual([]);
  });
});
