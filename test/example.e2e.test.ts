/**
 * The example request end to end: run it, open the letter and the annex as files, and check
 * every figure against counts computed independently from the two raw extracts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runRequest } from '../src/pipeline.js';
import { exampleCounts, type ExampleCounts } from './helpers/example-counts.js';
import { grid, readDocx, readXlsx, type DocxContent, type XWorkbook } from './helpers/office.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const SPEC = path.join(ROOT, 'requests/20192133/request.yaml');
const YEARS = ['2014', '2015', '2016', '2017', '2018', '2019 (January to September)'];
const fmt = (n: number) => n.toLocaleString('en-GB');

let out: string;
let annex: XWorkbook;
let letter: DocxContent;
let expected: ExampleCounts;

beforeAll(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'foi-e2e-'));
  const { dir } = await runRequest(SPEC, { out, cwd: ROOT });
  annex = readXlsx(fs.readFileSync(path.join(dir, 'annex.xlsx')));
  letter = readDocx(fs.readFileSync(path.join(dir, 'letter.docx')));
  expected = exampleCounts(path.join(ROOT, 'requests/20192133/cms_extract.csv'), path.join(ROOT, 'requests/20192133/connect_extract.xlsx'));
});

/** A one-figure-per-year sheet: [label, figure] rows under the header, then the total. */
function yearSheet(name: string): { header: string[]; rows: [string, number][]; total: [string, number] } {
  const g = grid(annex.sheets.get(name)!);
  const body = g.slice(2, 2 + YEARS.length).map((r) => [r[0]!, Number(r[1])] as [string, number]);
  const t = g[2 + YEARS.length]!;
  return { header: g[1]!, rows: body, total: [t[0]!, Number(t[1])] };
}

const perYear = (m: Map<number, number>) => expected.years.map((y) => m.get(y) ?? 0);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('example 20192133: annex', () => {
  it('has the notes sheet first, then one sheet per table', () => {
    expect(annex.sheetNames).toEqual([
      'Notes', 'Q1 Crimes by year', 'Q2 By offence', 'Q3 Suspect identified', 'Q4 Victims', 'Q5 Outcomes', 'Q6 Charged or summonsed',
    ]);
    const notes = grid(annex.sheets.get('Notes')!).map((r) => r.join(' ')).join('\n');
    expect(notes).toContain('20192133');
    expect(notes).toContain('CMS(ii)');
    expect(notes).toContain('1 January 2014 to 4 December 2017');
    expect(notes).toContain('5 December 2017 to 30 September 2019');
    expect(notes).toContain('2019 (January to September) is a part year only');
  });

  it.each([
    ['Q1 Crimes by year', 'byYear'],
    ['Q3 Suspect identified', 'suspectByYear'],
    ['Q4 Victims', 'victimsByYear'],
    ['Q6 Charged or summonsed', 'chargedByYear'],
  ] as const)('%s: every year equals the independent count', (sheet, key) => {
    const s = yearSheet(sheet);
    expect(s.rows.map((r) => r[0])).toEqual(YEARS);
    expect(s.rows.map((r) => r[1])).toEqual(perYear(expected[key]));
  });

  it('Q1 total is the number of matching crimes; Q4 total counts each victim once', () => {
    expect(yearSheet('Q1 Crimes by year').total).toEqual(['Total', expected.total]);
    const q4 = yearSheet('Q4 Victims');
    expect(q4.total[1]).toBe(expected.victimsTotal);
    // A victim reporting in two years is one person: the total is less than the sum of the years.
    expect(q4.total[1]).toBeLessThan(sum(perYear(expected.victimsByYear)));
  });

  it('Q2 cross-tab: every offence and year, with total row and column', () => {
    const g = grid(annex.sheets.get('Q2 By offence')!);
    expect(g[0]![0]).toBe('Online-flagged crimes by offence class and year');
    expect(g[1]).toEqual(['Offence', ...YEARS, 'Total']);
    const codes = ['8L', '8M', '8Q'];
    codes.forEach((code, i) => {
      const row = g[2 + i]!.slice(1).map(Number);
      const want = perYear(expected.byOffenceYear.get(code)!);
      expect(row).toEqual([...want, sum(want)]);
    });
    expect(g[2].map(String)[0]).toBe('Harassment');
    const total = g[5]!;
    expect(total[0]).toBe('Total');
    expect(total.slice(1).map(Number)).toEqual([...perYear(expected.byYear), expected.total]);
  });

  it('Q5 outcomes: every Home Office outcome type appears, zeros included, and open investigations have their own row', () => {
    const g = grid(annex.sheets.get('Q5 Outcomes')!);
    const body = g.slice(2, 2 + 23);
    expect(body).toHaveLength(23);
    expect(body[22]![0]).toBe('No outcome yet (investigation ongoing)');
    for (let code = 1; code <= 22; code++) {
      const want = perYear(expected.outcomeByYear.get(code) ?? new Map());
      expect(body[code - 1]!.slice(1).map(Number)).toEqual([...want, sum(want)]);
    }
    const open = perYear(expected.outcomeByYear.get(null) ?? new Map());
    expect(body[22]!.slice(1).map(Number)).toEqual([...open, sum(open)]);
    expect(g[25]!.slice(1).map(Number)).toEqual([...perYear(expected.suspectByYear), sum(perYear(expected.suspectByYear))]);
  });

  it('stores figures as numbers, labels as text, with no formulas, and freezes the header', () => {
    for (const name of annex.sheetNames.slice(1)) {
      const cells = annex.sheets.get(name)!;
      expect(cells.get('A1')!.type).not.toBe('n');
      expect(cells.get('B3')!.type).toBe('n');
      for (const c of cells.values()) expect(c.formula).toBeUndefined();
    }
    const sheetXml = [...annex.files.entries()].filter(([n]) => /xl\/worksheets\/sheet\d+\.xml$/.test(n)).map(([, b]) => b.toString());
    expect(sheetXml.slice(1).every((x) => /<pane [^>]*ySplit="2"[^>]*state="frozen"/.test(x))).toBe(true);
  });
});

describe('example 20192133: letter', () => {
  const text = () => letter.paragraphs.map((p) => p.text).join('\n');

  it('quotes all seven questions word for word, numbered', async () => {
    const yaml = (await import('yaml')).parse(fs.readFileSync(SPEC, 'utf8'));
    // The request is the first numbered list; the bullets later on are lists of their own.
    const first = letter.paragraphs.find((p) => p.numbered)!;
    const numbered = letter.paragraphs.filter((p) => p.numId === first.numId).map((p) => p.text);
    expect(numbered).toEqual(yaml.questions.map((q: { text: string }) => q.text.trim()));
    for (let n = 1; n <= 7; n++) expect(text()).toContain(`Question ${n}`);
  });

  it('uses real Word headings, not styled text', () => {
    const styles = new Set(letter.paragraphs.map((p) => p.style));
    expect(styles).toContain('Heading1');
    expect(styles).toContain('Heading2');
    expect(styles).toContain('Heading3');
    const h2 = letter.paragraphs.filter((p) => p.style === 'Heading2').map((p) => p.text);
    expect(h2).toEqual(['Request', 'Response', 'Your right to ask for a review']);
  });

  it('explains the search correctly: both systems, each only for its own period', () => {
    const t = text();
    expect(t).toContain('CMS(ii)');
    expect(t).toContain('1 January 2014 to 4 December 2017');
    expect(t).toContain('CONNECT');
    expect(t).toContain('5 December 2017 to 30 September 2019');
    expect(t).not.toMatch(/2014 to 30 September 2019.*CONNECT/);
    expect(t).toContain('8L (Harassment)');
    expect(t).toContain('the online crime flag is yes');
  });

  it("tables in the letter hold the same figures as the annex and the independent count", () => {
    const q1 = letter.tables.find((t) => t[0]![1] === 'Crimes')!;
    expect(q1.slice(1, 7).map((r) => r[0])).toEqual(YEARS);
    expect(q1.slice(1, 7).map((r) => r[1])).toEqual(perYear(expected.byYear).map(fmt));
    expect(q1[7]).toEqual(['Total', fmt(expected.total)]);
    const annexQ1 = yearSheet('Q1 Crimes by year');
    expect(q1.slice(1, 7).map((r) => r[1])).toEqual(annexQ1.rows.map((r) => fmt(r[1])));

    const q2 = letter.tables.find((t) => t[0]![0] === 'Offence')!;
    expect(q2[1]!.slice(1)).toEqual([...perYear(expected.byOffenceYear.get('8L')!), sum(perYear(expected.byOffenceYear.get('8L')!))].map(fmt));
    const q4 = letter.tables.find((t) => t[0]![1] === 'Individuals (victims)')!;
    expect(q4.slice(1, 7).map((r) => r[1])).toEqual(perYear(expected.victimsByYear).map(fmt));
    expect(q4[7]![1]).toBe(fmt(expected.victimsTotal));
    const q6 = letter.tables.find((t) => t[0]![1] === 'Crimes charged or summonsed')!;
    expect(q6.slice(1, 7).map((r) => r[1])).toEqual(perYear(expected.chargedByYear).map(fmt));
  });

  it('points to the annex for the large Q5 table, with its total', () => {
    expect(text()).toContain('sheet “Q5 Outcomes”');
    expect(text()).toContain(`Its total is ${fmt(sum(perYear(expected.suspectByYear)))}`);
  });

  it('answers Q7 as not held, with advice to try the Ministry of Justice, and closes with review rights', () => {
    const t = text();
    const q7 = t.slice(t.indexOf('Question 7'));
    expect(q7).toContain('We do not hold it');
    expect(q7).toContain('Ministry of Justice');
    expect(t).toContain('within 40 working days');
    expect(t).toContain("Information Commissioner's Office");
    expect(t).toContain('Wycliffe House');
    expect(t).toContain('Cheshire SK9 5AF');
    expect(t).toContain('Sam Taylor');
  });
});
