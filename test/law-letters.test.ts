/**
 * The law in the letter: every answer kind says what the law requires (section 17's refusal
 * notice, section 16 advice, the section 12 calculation), under FOIA, FOISA and EIR, and the
 * spec is checked against the law it names.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runRequest } from '../src/pipeline.js';
import { validateSpec } from '../src/spec/validate.js';
import { readDocx } from './helpers/office.js';
import { copyFixture, edit, FIXTURES, tmpDir } from './helpers/tmp.js';

const ALL = path.join(FIXTURES, 'all-kinds');
let text: string;
let manifest: Record<string, unknown>;

/** Flagged records in the request's period, counted straight from the fixture's CSV. */
function flaggedInPeriod(): number {
  const rows = fs.readFileSync(path.join(ALL, 'data.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  return rows.filter(([when, , flag]) => {
    const [d, m, y] = when!.split('/');
    const iso = `${y}-${m}-${d}`;
    return flag!.trim().toUpperCase() === 'Y' && iso >= '2018-01-01' && iso <= '2019-06-30';
  }).length;
}

async function letterOf(dir: string): Promise<string> {
  const r = await runRequest(path.join(dir, 'request.yaml'), { cwd: dir, out: path.join(tmpDir(), 'out') });
  return readDocx(fs.readFileSync(path.join(r.dir, 'letter.docx'))).paragraphs.map((p) => p.text).join('\n');
}

beforeAll(async () => {
  const r = await runRequest(path.join(ALL, 'request.yaml'), { cwd: ALL, out: path.join(tmpDir(), 'all') });
  text = readDocx(fs.readFileSync(path.join(r.dir, 'letter.docx'))).paragraphs.map((p) => p.text).join('\n');
  manifest = r.manifest as unknown as Record<string, unknown>;
});

const section = (n: number) => text.slice(text.indexOf(`Question ${n}\n`), text.indexOf(`Question ${n + 1}\n`) > 0 ? text.indexOf(`Question ${n + 1}\n`) : undefined);

describe('what each kind of answer says (FOIA)', () => {
  it('provided in part: the figures, then the exemption, why it applies, and that it is absolute', () => {
    const q = section(2);
    expect(q).toContain('We have provided some of the information you asked for');
    expect(q).toContain('Section 40(2): Personal information (the names of the staff)');
    expect(q).toContain('The names are the personal data of junior staff');
    // The standard wording says it is absolute, so the letter does not say it twice.
    expect(q).toContain('Where this is so, section 40(2) is an absolute exemption.');
    expect(q.match(/absolute exemption/g)).toHaveLength(1);
    expect(q).toContain('for that part this letter is a refusal notice under section 17 of the Act');
  });

  it('not held: the duty to confirm or deny, and section 16 advice', () => {
    const q = section(3);
    expect(q).toContain('We do not hold it. No minutes were taken.');
    expect(q).toContain("Advice and assistance (section 16 of the Act): The board's agendas are published on our website.");
  });

  it('exempt, qualified and prejudice-based: a refusal notice with the harm, the factors for and against, and the conclusion', () => {
    const q = section(4);
    expect(q).toContain('this letter is a refusal notice under section 17 of the Act');
    expect(q).toContain('Section 31: Law enforcement (the security plan)');
    expect(q).toContain('Harm. Disclosure would be likely to prejudice the prevention of crime');
    expect(q).toContain('Factors favouring disclosure:');
    expect(q).toContain('Disclosure would show how public money is spent on security.');
    expect(q).toContain('Factors favouring the exemption:');
    // The officer gave only the "for" factors: the "against" ones come from the law profile.
    expect(q).toContain('Disclosure would reveal tactical information that offenders could use to avoid detection');
    expect(q).toContain('Conclusion. The public interest favours keeping the plan confidential.');
  });

  it('neither confirm nor deny: the NCND provision, the reasoning, and no hint either way', () => {
    const q = section(5);
    expect(q).toContain('We can neither confirm nor deny whether we hold the information you asked for.');
    expect(q).toContain('Section 30(3)');
    expect(q).toContain('Factors favouring neither confirming nor denying:');
    expect(q).toContain('This should not be taken as an indication that the information you asked for is, or is not, held.');
  });

  it('section 14(2), section 21 and section 14(1)', () => {
    expect(section(7)).toContain('under section 14(2) of the Act, because it is identical or substantially similar to your request T-OLD, which we answered on 1 December 2019');
    expect(section(8)).toContain('(section 21 of the Act). You can find it at: https://test.example/annual-report');
    expect(section(9)).toContain('under section 14(1) of the Act, which provides that we are not obliged to comply with a request that is vexatious');
  });

  it('section 12: the estimate with records counted from the data, the total against the limit, and advice', () => {
    const n = flaggedInPeriod();
    const hours = 10 + (n * 240) / 60;
    expect(section(6)).toContain('We are not able to answer this question within the cost limit');
    expect(text).toContain('which for us is £450: 18 hours of staff time at £25 an hour');
    expect(text).toContain('finding the emails in the archive: 10 hours');
    expect(text).toContain(`reading each incident record: ${n} records × 240 minutes = ${(n * 4).toLocaleString('en-GB')} hours`);
    expect(text).toContain(`In total, ${hours.toLocaleString('en-GB')} hours × £25 an hour = £${(hours * 25).toLocaleString('en-GB')}, which exceeds the limit of £450 (18 hours).`);
    expect(text).toContain('relying on section 12');
    expect(text).toContain('Advice and assistance (section 16 of the Act): You could ask for the emails of one month.');
  });

  it('the clarification, the extension, the apology for lateness, and the rights of review and complaint', () => {
    expect(text).toContain('received on 6 January 2020 and clarified on 8 January 2020');
    expect(text).toContain('we extended the time for our response by 10 working days');
    expect(text).toContain('I am sorry that this response is late: we should have replied by 19 February 2020.');
    expect(text).toContain('within 40 working days');
    expect(text).toContain('Wycliffe House');
    expect(manifest.deadline).toEqual({ law: 'foia', received: '2020-01-06', clarified: '2020-01-08', working_days: 30, due: '2020-02-19', late: true });
  });
});

describe('FOISA and EIR', () => {
  it('FOISA: its own sections, and the Scottish Information Commissioner instead of the ICO', async () => {
    const dir = copyFixture('minimal');
    edit(path.join(dir, 'request.yaml'), 'version: 1', 'version: 1\njurisdiction: foisa');
    edit(path.join(dir, 'request.yaml'), '  - text: By category?\n    answer: { kind: provided, tables: [by_category] }', '  - text: By category?\n    answer: { kind: provided, tables: [by_category] }\n  - text: The minutes?\n    answer: { kind: not_held, advice: Ask the board. }');
    const t = await letterOf(dir);
    expect(t).toContain('Freedom of Information (Scotland) Request');
    expect(t).toContain('under the Freedom of Information (Scotland) Act 2002');
    expect(t).toContain('In terms of section 17(1) of FOISA, this is a notice that we do not hold the information');
    expect(t).toContain('Advice and assistance (section 15 of FOISA): Ask the board.');
    expect(t).toContain('Scottish Information Commissioner');
    expect(t).toContain('Kinburn Castle');
    expect(t).not.toContain('Wycliffe House');
  });

  it('EIR: environmental information, regulation 12(4)(a) for information not held', async () => {
    const dir = copyFixture('minimal');
    edit(path.join(dir, 'request.yaml'), 'version: 1', 'version: 1\njurisdiction: eir');
    edit(path.join(dir, 'request.yaml'), '  - text: By category?\n    answer: { kind: provided, tables: [by_category] }', '  - text: By category?\n    answer: { kind: provided, tables: [by_category] }\n  - text: The noise readings?\n    answer: { kind: not_held }');
    const t = await letterOf(dir);
    expect(t).toContain('Request for Environmental Information');
    expect(t).toContain('regulation 12(4)(a) of the Regulations');
  });
});

describe('the spec is checked against its law', () => {
  const problemsOf = async (dir: string) => (await validateSpec(path.join(dir, 'request.yaml'), { cwd: dir })).problems;
  const withAnswer = (answer: string, extra = '') => {
    const dir = copyFixture('minimal');
    edit(path.join(dir, 'request.yaml'), '    answer: { kind: provided, tables: [by_category] }', `    answer: { kind: provided, tables: [by_category] }\n  - text: More?\n    answer: ${answer}`);
    if (extra) edit(path.join(dir, 'request.yaml'), 'version: 1', `version: 1\n${extra}`);
    return dir;
  };

  it('an exemption the law does not have (FOIA s40(2) in a FOISA spec), with the nearest', async () => {
    const ps = await problemsOf(withAnswer('{ kind: exempt, exemptions: [{ exemption: s40(2), reason: personal data }] }', 'jurisdiction: foisa'));
    expect(ps.map((p) => p.code)).toEqual(['exemption-unknown']);
    expect(ps[0]!.message).toBe('Freedom of Information (Scotland) Act 2002 has no exemption "s40(2)"');
  });

  it('a prejudice-based exemption needs its harm; a qualified one its public interest conclusion', async () => {
    const ps = await problemsOf(withAnswer('{ kind: exempt, exemptions: [{ exemption: s31, reason: it would help criminals }] }'));
    expect(ps.map((p) => p.code).sort()).toEqual(['exemption-harm-missing', 'exemption-public-interest-missing']);
    expect(ps.find((p) => p.code === 'exemption-harm-missing')!.hint).toContain('Disclosure of [the information] would, or would be likely to, prejudice');
  });

  it('neither confirm nor deny only under an exemption that allows it', async () => {
    const ps = await problemsOf(withAnswer('{ kind: neither_confirm_nor_deny, exemptions: [{ exemption: s21, reason: published }] }'));
    expect(ps.map((p) => p.code)).toEqual(['ncnd-not-available']);
  });

  it('a refusal on cost needs an estimate, over the limit, under a law with a limit', async () => {
    expect((await problemsOf(withAnswer('{ kind: refused_cost }'))).map((p) => p.code)).toEqual(['cost-estimate']);
    const within = 'cost_estimate: { activities: [{ activity: extracting, description: reading, records: 10, minutes_each: 3 }], advice: narrow it }';
    const ps = await problemsOf(withAnswer('{ kind: refused_cost }', within));
    expect(ps.map((p) => p.message)).toEqual(['the estimate (£12.50) does not exceed the limit of £450, so the request cannot be refused on cost']);
    const eir = await problemsOf(withAnswer('{ kind: refused_cost }', `jurisdiction: eir\n${within.replace('records: 10', 'records: 1000')}`));
    expect(eir.map((p) => p.code)).toEqual(['cost-estimate']);
    expect(eir[0]!.message).toBe('Environmental Information Regulations 2004 has no cost limit');
  });

  it('an extension FOISA does not allow is an error', async () => {
    const dir = withAnswer('{ kind: not_held }', 'jurisdiction: foisa\nextension: { working_days: 20, reason: public interest }');
    expect((await problemsOf(dir)).map((p) => p.code)).toEqual(['deadline-no-extension']);
  });
});
