/**
 * The four law examples under requests/, run end to end: a refusal on cost (section 12), a
 * partial refusal under section 40(2), neither confirm nor deny (sections 30(3), 31(3), 40(5B)),
 * and request 20192133 answered under FOISA. Each letter is opened as a file and checked for what
 * section 17 of the Act (section 16 of FOISA) requires of a refusal; every figure is checked
 * against a count made here from the raw extracts by the tests' own readers (no DuckDB).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runRequest } from '../src/pipeline.js';
import { exampleCounts, readCms, type Crime, type ExampleCounts } from './helpers/example-counts.js';
import { grid, readDocx, readXlsx, type DocxContent, type XWorkbook } from './helpers/office.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CMS = path.join(ROOT, 'requests/20192133/cms_extract.csv');
const CONNECT = path.join(ROOT, 'requests/20192133/connect_extract.xlsx');
const spec = (name: string) => path.join(ROOT, 'requests', name, 'request.yaml');

const fmt = (n: number) => n.toLocaleString('en-GB', { maximumFractionDigits: 2 });
/** Hours as a letter gives them: at most one decimal place. */
const hoursText = (h: number) => `${h.toLocaleString('en-GB', { maximumFractionDigits: 1 })} ${h === 1 ? 'hour' : 'hours'}`;
/** "£4,047.50", "£4,050". */
const poundsText = (p: number) => {
  const pence = Math.round(p * 100);
  return pence % 100 === 0 ? `£${(pence / 100).toLocaleString('en-GB')}` : `£${(pence / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
};

interface Run {
  letter: DocxContent;
  /** None when no table answers a question (a refusal, neither confirm nor deny). */
  annex?: XWorkbook;
  /** The stored query results, by table. */
  results: Map<string, string>;
  /** Every paragraph outside tables, one a line. */
  text: string;
  spec: any;
}

const runs = new Map<string, Run>();
let cms: Crime[];
let example: ExampleCounts;

beforeAll(async () => {
  cms = readCms(CMS);
  example = exampleCounts(CMS, CONNECT);
  // One at a time: each run opens its own DuckDB.
  for (const name of ['example-s12', 'example-s40', 'example-ncnd', '20192133-foisa']) {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `foi-${name}-`));
    const { dir } = await runRequest(spec(name), { out, cwd: ROOT });
    const letter = readDocx(fs.readFileSync(path.join(dir, 'letter.docx')));
    runs.set(name, {
      letter,
      annex: fs.existsSync(path.join(dir, 'annex.xlsx')) ? readXlsx(fs.readFileSync(path.join(dir, 'annex.xlsx'))) : undefined,
      results: new Map(
        fs.existsSync(path.join(dir, 'results'))
          ? fs.readdirSync(path.join(dir, 'results')).map((f) => [f.replace(/\.csv$/, ''), fs.readFileSync(path.join(dir, 'results', f), 'utf8')])
          : [],
      ),
      text: letter.paragraphs.map((p) => p.text).join('\n'),
      spec: parse(fs.readFileSync(spec(name), 'utf8')),
    });
  }
});

const run = (name: string) => runs.get(name)!;
const inPeriod = (x: Crime, from: string, to: string) => x.date >= from && x.date <= to;
const years = ['2014', '2015', '2016'];

/** The text from one heading (or phrase) up to the next of the given markers. */
function section(text: string, from: string, to?: string): string {
  const start = text.indexOf(from);
  expect(start, `"${from}" is in the letter`).toBeGreaterThanOrEqual(0);
  const end = to === undefined ? -1 : text.indexOf(to, start + from.length);
  return end < 0 ? text.slice(start) : text.slice(start, end);
}

/** FOIA's closing: internal review, then the Information Commissioner. */
function expectFoiaReviewAndComplaint(text: string): void {
  const closing = section(text, 'Your right to ask for a review');
  expect(closing).toContain('internal review');
  expect(closing).toContain('within 40 working days');
  expect(closing).toContain('section 50 of the Freedom of Information Act 2000');
  expect(closing).toContain("Information Commissioner's Office");
  expect(closing).toContain('Wycliffe House');
  expect(closing).toContain('Cheshire SK9 5AF');
  expect(closing).not.toContain('Scottish Information Commissioner');
}

describe('all four examples', () => {
  it.each(['example-s12', 'example-s40', 'example-ncnd', '20192133-foisa'])('%s: the letter is on time', (name) => {
    expect(run(name).text).not.toContain('this response is late');
  });
});

describe('example-s12: refusal on cost (section 12)', () => {
  // The records that would have to be read: online-flagged harassment and stalking crimes
  // recorded on CMS(ii) in 2014 to 2016, counted here from the raw CSV.
  const records = () =>
    cms.filter((x) => inPeriod(x, '2014-01-01', '2016-12-31') && x.online && ['8L', '8M', '8Q'].includes(x.code));
  const activities = () => run('example-s12').spec.cost_estimate.activities as { activity: string; records_from?: string; minutes_each?: number; hours?: number }[];

  it('refuses every question on cost, and says why in the letter', () => {
    const { text, spec: s } = run('example-s12');
    for (let n = 1; n <= s.questions.length; n++) {
      expect(section(text, `Question ${n}`, n < s.questions.length ? `Question ${n + 1}` : 'The cost of answering your request')).toContain(
        'We are not able to answer this question within the cost limit',
      );
    }
    expect(text).toContain('Section 12 of the Act allows us to refuse a request');
    expect(text).toContain('which for us is £450: 18 hours of staff time at £25 an hour');
    expect(text).toContain('This letter is therefore a refusal notice under section 17 of the Act, relying on section 12.');
  });

  it('shows the number of records counted from the data × the minutes each, and the right total and cost', () => {
    const { letter, text } = run('example-s12');
    const n = records().length;
    expect(n).toBeGreaterThan(0);
    const perRecord = activities().find((a) => a.records_from !== undefined)!;
    const fixed = activities().filter((a) => a.hours !== undefined);
    const minutes = perRecord.minutes_each!;
    const extractingHours = (n * minutes) / 60;
    const lines = letter.paragraphs.filter((p) => p.text.includes(' × ') && p.text.includes('records')).map((p) => p.text);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Extracting: opening each of those crime records/);
    expect(lines[0]!.endsWith(`: ${fmt(n)} records × ${minutes} minutes = ${hoursText(extractingHours)}`)).toBe(true);
    for (const a of fixed) expect(text).toMatch(new RegExp(`: ${hoursText(a.hours!)}\\n`));

    const totalHours = extractingHours + fixed.reduce((s, a) => s + a.hours!, 0);
    const cost = totalHours * 25;
    expect(cost).toBeGreaterThan(450);
    expect(text).toContain(`In total, ${hoursText(totalHours)} × £25 an hour = ${poundsText(cost)}, which exceeds the limit of £450 (18 hours).`);
  });

  it('counts only the four activities the Regulations allow, and gives section 16 advice on narrowing the request', () => {
    const { text, spec: s } = run('example-s12');
    expect(activities().every((a) => ['determining', 'locating', 'retrieving', 'extracting'].includes(a.activity))).toBe(true);
    expect(text).toContain('SI 2004/3244');
    const advice = section(text, 'Advice and assistance (section 16 of the Act): ');
    expect(advice).toContain(s.cost_estimate.advice.trim().slice(0, 60));
  });

  it('sends no table and no annex: the count behind the estimate is kept with the stored results', () => {
    const { letter, text, annex, results, spec: s } = run('example-s12');
    expect(letter.tables).toHaveLength(0);
    expect(annex).toBeUndefined();
    expect(text).not.toContain(s.tables.records_to_read.title);
    expect(text).not.toContain('annex');
    const stored = results.get('records_to_read')!.trim().split('\r\n').slice(1).map((l) => l.split(',').map((v) => v.replace(/^"|"$/g, '')));
    const byYear = years.map((y) => records().filter((x) => x.date.startsWith(y)).length);
    expect(stored.filter((r) => r[2] === '0').map((r) => [r[0], Number(r[4])])).toEqual(years.map((y, i) => [y, byYear[i]]));
    expect(Number(stored.find((r) => r[2] === '1')![4])).toBe(records().length);
  });

  it('closes with the right to an internal review and to complain to the Information Commissioner', () => {
    expectFoiaReviewAndComplaint(run('example-s12').text);
  });
});

describe('example-s40: partial refusal under section 40(2)', () => {
  const crimes = () => cms.filter((x) => inPeriod(x, '2014-01-01', '2016-12-31') && x.online && x.code === '8M');
  const byYear = (f: (xs: Crime[]) => number) => years.map((y) => f(crimes().filter((x) => x.date.startsWith(y))));
  const victims = (xs: Crime[]) => new Set(xs.map((x) => x.victim)).size;
  const suspects = (xs: Crime[]) => new Set(xs.filter((x) => x.suspect !== '').map((x) => x.suspect)).size;

  /** [year, figure] rows and the total, from a letter table. */
  const letterTable = (measure: string) => {
    const t = run('example-s40').letter.tables.find((x) => x[0]![1] === measure);
    expect(t, `a letter table headed "${measure}"`).toBeDefined();
    return t!.slice(1);
  };
  const annexSheet = (name: string) => grid(run('example-s40').annex!.sheets.get(name)!).slice(2, 6);

  it('gives the number of crimes by year, in the letter and the annex, equal to the independent count', () => {
    const want = byYear((xs) => xs.length);
    const total = crimes().length;
    expect(letterTable('Crimes')).toEqual([...years.map((y, i) => [y, fmt(want[i]!)]), ['Total', fmt(total)]]);
    expect(annexSheet('Q1 Crimes by year')).toEqual([...years.map((y, i) => [y, String(want[i])]), ['Total', String(total)]]);
  });

  it('gives the numbers of distinct victims and of identified suspects, each person counted once in the total', () => {
    const v = byYear(victims);
    const s = byYear(suspects);
    expect(letterTable('Victims (individuals)')).toEqual([...years.map((y, i) => [y, fmt(v[i]!)]), ['Total (each counted once)', fmt(victims(crimes()))]]);
    expect(letterTable('Suspects (individuals)')).toEqual([...years.map((y, i) => [y, fmt(s[i]!)]), ['Total (each counted once)', fmt(suspects(crimes()))]]);
    expect(annexSheet('Q2 Victims')).toEqual([...years.map((y, i) => [y, String(v[i])]), ['Total (each counted once)', String(victims(crimes()))]]);
    expect(annexSheet('Q2 Suspects')).toEqual([...years.map((y, i) => [y, String(s[i])]), ['Total (each counted once)', String(suspects(crimes()))]]);
  });

  it('states the exemption, why it applies, and that it is absolute (no public interest test)', () => {
    const { text, spec: s } = run('example-s40');
    const q2 = section(text, 'Question 2', 'Your right to ask for a review');
    expect(q2).toContain('We have provided some of the information you asked for. The rest is exempt from disclosure');
    const ex = section(q2, 'Section 40(2): Personal information (the names and ages of the victims and suspects)');
    expect(ex).toContain('contravene the data protection principles');
    // The officer's reason, printed as written (line breaks folded).
    const reason = (s.questions[1].answer.withheld[0].reason as string).replace(/\s+/g, ' ').trim();
    expect(ex).toContain(reason);
    // Said once: the standard wording already says it is absolute.
    expect(ex).toContain('section 40(2) is an absolute exemption.');
    expect(ex).not.toContain('so no public interest test is needed');
    expect(ex).not.toContain('The public interest test.');
    // Names and ages are nowhere in the documents: no person reference from the data appears.
    const people = new Set(crimes().flatMap((x) => [x.victim, x.suspect]).filter((p) => p !== ''));
    expect([...people].some((p) => text.includes(p))).toBe(false);
  });

  it('closes with the right to an internal review and to complain to the Information Commissioner', () => {
    expectFoiaReviewAndComplaint(run('example-s40').text);
  });
});

describe('example-ncnd: neither confirm nor deny (sections 30(3), 31(3) and 40(5B))', () => {
  const exemptions = () => run('example-ncnd').spec.questions[0].answer.exemptions as { exemption: string; harm?: string; public_interest?: { conclusion: string } }[];
  const fold = (s: string) => s.replace(/\s+/g, ' ').trim();

  it('neither confirms nor denies, as a refusal notice, without a hint either way', () => {
    const { text, letter } = run('example-ncnd');
    expect(text).toContain('We can neither confirm nor deny whether we hold the information you asked for. This letter is a refusal notice under section 17 of the Act.');
    expect(text).toContain('This should not be taken as an indication that the information you asked for is, or is not, held.');
    expect(letter.tables).toHaveLength(0);
    // No search is described: saying which systems were searched would itself be a hint.
    expect(text).not.toContain('The following system');
    expect(text).not.toContain('annex.xlsx');
  });

  it('section 30(3): class-based and qualified, so the public interest test and its conclusion, and no harm test', () => {
    const s30 = section(run('example-ncnd').text, 'Section 30(3): Investigations and proceedings conducted by public authorities', 'Section 31(3)');
    expect(s30).toContain('We are relying on section 30(3)');
    expect(s30).not.toContain('Harm.');
    expect(s30).toContain('The public interest test.');
    expect(s30).toContain('Factors favouring confirming or denying:');
    expect(s30).toContain('Factors favouring neither confirming nor denying:');
    expect(s30).toContain(`Conclusion. ${fold(exemptions().find((e) => e.exemption === 's30')!.public_interest!.conclusion)}`);
  });

  it('section 31(3): prejudice-based and qualified, so the harm, then the public interest test and its conclusion', () => {
    const s31 = section(run('example-ncnd').text, 'Section 31(3): Law enforcement', 'Section 40(5B)');
    const e = exemptions().find((x) => x.exemption === 's31')!;
    expect(s31).toContain('We are relying on section 31(3)');
    const harm = s31.indexOf(`Harm. ${fold(e.harm!)}`);
    const test = s31.indexOf('The public interest test.');
    const conclusion = s31.indexOf(`Conclusion. ${fold(e.public_interest!.conclusion)}`);
    expect(harm).toBeGreaterThan(0);
    expect(test).toBeGreaterThan(harm);
    expect(conclusion).toBeGreaterThan(test);
  });

  it('section 40(5B): absolute, so no public interest test', () => {
    const s40 = section(run('example-ncnd').text, 'Section 40(5B): Personal information', 'This should not be taken');
    expect(s40).toContain('We are relying on section 40(5B)');
    expect(s40).toContain('absolute exemption');
    expect(s40).not.toContain('The public interest test.');
  });

  it('closes with the right to an internal review and to complain to the Information Commissioner', () => {
    expectFoiaReviewAndComplaint(run('example-ncnd').text);
  });
});

describe('20192133-foisa: request 20192133 under the Freedom of Information (Scotland) Act 2002', () => {
  const YEARS = ['2014', '2015', '2016', '2017', '2018', '2019 (January to September)'];
  const perYear = (m: Map<number, number>) => example.years.map((y) => fmt(m.get(y) ?? 0));

  it('is dealt with under FOISA, with its title', () => {
    const { text } = run('20192133-foisa');
    expect(text).toContain('Freedom of Information (Scotland) Request – Reference No: IM-2019-2133');
    expect(text).toContain('We have dealt with it under the Freedom of Information (Scotland) Act 2002.');
    expect(text).not.toContain('Freedom of Information Act 2000');
  });

  it('gives the same figures as the UK example, from the same extracts', () => {
    const { letter, annex } = run('20192133-foisa');
    const q1 = letter.tables.find((t) => t[0]![1] === 'Crimes')!;
    expect(q1.slice(1, 7)).toEqual(YEARS.map((y, i) => [y, perYear(example.byYear)[i]]));
    expect(q1[7]).toEqual(['Total', fmt(example.total)]);
    const q4 = letter.tables.find((t) => t[0]![1] === 'Individuals (victims)')!;
    expect(q4.slice(1, 7).map((r) => r[1])).toEqual(perYear(example.victimsByYear));
    expect(q4[7]![1]).toBe(fmt(example.victimsTotal));
    const g = grid(annex!.sheets.get('Q6 Charged or summonsed')!);
    expect(g.slice(2, 8).map((r) => fmt(Number(r[1])))).toEqual(perYear(example.chargedByYear));
  });

  it('answers question 7 with a section 17 notice that the information is not held, and section 15 advice', () => {
    const q7 = section(run('20192133-foisa').text, 'Question 7', 'Your right to require a review');
    expect(q7).toContain('In terms of section 17(1) of FOISA, this is a notice that we do not hold the information you asked for.');
    expect(q7).toContain('Advice and assistance (section 15 of FOISA): ');
    expect(q7).toContain('Crown Office and Procurator Fiscal Service');
    expect(q7).not.toContain('section 1(1)(a)');
    expect(q7).not.toContain('section 16');
    expect(q7).not.toContain('Ministry of Justice');
  });

  it('closes with a requirement for review and the Scottish Information Commissioner, not the ICO', () => {
    const closing = section(run('20192133-foisa').text, 'Your right to require a review');
    expect(closing).toContain('you can require us to review our actions and decisions');
    expect(closing).toContain('within 40 working days');
    expect(closing).toContain('section 20 of the Freedom of Information (Scotland) Act 2002');
    expect(closing).toContain('Scottish Information Commissioner for a decision under section 47');
    for (const line of ['Kinburn Castle', 'Doubledykes Road', 'St Andrews', 'Fife KY16 9DS', 'www.foi.scot']) expect(closing).toContain(line);
    expect(closing).toContain('Court of Session');
    for (const ico of ["Information Commissioner's Office", 'Wycliffe House', 'Wilmslow', 'SK9 5AF', 'ico.org.uk', 'section 50', 'First-tier Tribunal', 'internal review']) {
      expect(closing).not.toContain(ico);
    }
  });
});
