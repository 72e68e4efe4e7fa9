/** The law profiles (law/*.yaml) load, validate and carry what letters need. */
import { describe, expect, it } from 'vitest';
import { FoiError } from '../src/errors.js';
import { complaintAddress, findExemption, LAW_IDS, loadProfile, parseProfile } from '../src/law/profiles.js';

const REQUIRED: Record<(typeof LAW_IDS)[number], string[]> = {
  foia: ['s21', 's22', 's23', 's24', 's30', 's31', 's38', 's40(2)', 's41', 's42', 's43', 's44'],
  foisa: ['s25', 's27', 's30', 's34', 's35', 's36', 's38', 's39'],
  eir: ['reg12(4)(a)', 'reg12(4)(b)', 'reg12(4)(d)', 'reg12(4)(e)', 'reg12(5)(a)', 'reg12(5)(b)', 'reg12(5)(e)', 'reg13'],
};

describe('law profiles', () => {
  it.each(LAW_IDS)('%s loads, validates and is cached', (id) => {
    const p = loadProfile(id);
    expect(p.id).toBe(id);
    expect(p.time_limit.working_days).toBe(20);
    expect(p.review.working_days).toBe(40);
    expect(loadProfile(id)).toBe(p);
  });

  it.each(LAW_IDS)('%s has the exemptions specs use', (id) => {
    const p = loadProfile(id);
    for (const e of REQUIRED[id]) expect(findExemption(p, e), e).toBeDefined();
  });

  it.each(LAW_IDS)('%s: every exemption has wording; qualified ones have factors for and against; prejudice ones a harm prompt', (id) => {
    for (const e of loadProfile(id).exemptions) {
      expect(e.wording.length, e.id).toBeGreaterThan(40);
      if (e.type === 'qualified') {
        expect(e.public_interest?.for.length, e.id).toBeGreaterThanOrEqual(2);
        expect(e.public_interest?.against.length, e.id).toBeGreaterThanOrEqual(2);
      } else {
        expect(e.public_interest, e.id).toBeUndefined();
      }
      if (e.basis === 'prejudice') expect(e.harm, e.id).toBeTruthy();
    }
  });

  it('FOIA: the ICO, the cost limit and the sections', () => {
    const p = loadProfile('foia');
    expect(complaintAddress(p)).toBe("Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF");
    expect(p.review.complaint.website).toBe('www.ico.org.uk');
    expect(p.time_limit).toMatchObject({ holidays: 'uk', section: 'section 10(1)' });
    expect(p.cost_limit).toMatchObject({ kind: 'limit', amount: 450, central_government_amount: 600, hourly_rate: 25, section: 'section 12' });
    if (p.cost_limit.kind === 'limit') {
      expect(p.cost_limit.activities.map((a) => a.id)).toEqual(['determining', 'locating', 'retrieving', 'extracting']);
      expect(p.cost_limit.regulations).toContain('Appropriate Limit and Fees');
    }
    expect(p.sections).toMatchObject({ advice_and_assistance: 'section 16', refusal_notice: 'section 17', already_accessible: 'section 21' });
    expect(findExemption(p, 's40(2)')).toMatchObject({ type: 'absolute', ncnd_section: 'section 40(5B)' });
    expect(findExemption(p, 's31')).toMatchObject({ type: 'qualified', basis: 'prejudice', ncnd_section: 'section 31(3)' });
    expect(findExemption(p, 's30')).toMatchObject({ type: 'qualified', basis: 'class', ncnd_section: 'section 30(3)' });
  });

  it('FOISA: Scottish holidays, £600 at £15 an hour, the Scottish Information Commissioner and the Court of Session', () => {
    const p = loadProfile('foisa');
    expect(p.time_limit.holidays).toBe('scotland');
    expect(p.time_limit.extension.available).toBe(false);
    expect(p.cost_limit).toMatchObject({ kind: 'limit', amount: 600, hourly_rate: 15 });
    expect(complaintAddress(p)).toBe('Scottish Information Commissioner, Kinburn Castle, Doubledykes Road, St Andrews, Fife KY16 9DS');
    expect(p.review.complaint.website).toBe('www.foi.scot');
    expect(p.review.complaint.appeal).toContain('Court of Session');
    expect(p.sections).toMatchObject({ not_held: 'section 17', neither_confirm_nor_deny: 'section 18', already_accessible: 'section 25' });
  });

  it('EIR: no cost limit, 40 days when extended, and every exception but personal data is qualified', () => {
    const p = loadProfile('eir');
    expect(p.cost_limit).toMatchObject({ kind: 'none', section: 'regulation 12(4)(b)' });
    expect(p.time_limit.extension_days).toBe(40);
    for (const e of p.exemptions) expect(e.type, e.id).toBe(e.id === 'reg13' ? 'absolute' : 'qualified');
    expect(findExemption(p, 'reg12(5)(a)')?.ncnd_section).toBe('regulation 12(6)');
  });

  it('findExemption accepts the forms people write', () => {
    const foia = loadProfile('foia');
    expect(findExemption(foia, 'section 40(2)')?.id).toBe('s40(2)');
    expect(findExemption(foia, 'S31')?.id).toBe('s31');
    expect(findExemption(foia, 's99')).toBeUndefined();
    expect(findExemption(loadProfile('eir'), 'regulation 12(4)(b)')?.id).toBe('reg12(4)(b)');
    expect(findExemption(loadProfile('eir'), 'reg 13')?.id).toBe('reg13');
  });

  it('an invalid profile is refused with a FoiError naming the problem', () => {
    expect(() => parseProfile('id: foia\nname: [', 'law/foia.yaml')).toThrow(FoiError);
    try {
      parseProfile('id: foia\nname: Freedom of Information Act 2000\n', 'law/foia.yaml');
      throw new Error('expected a FoiError');
    } catch (e) {
      expect(e).toBeInstanceOf(FoiError);
      expect((e as FoiError).code).toBe('law-profile-invalid');
      expect((e as FoiError).message).toContain('law/foia.yaml');
      expect((e as FoiError).problems.some((p) => p.message.includes('time_limit'))).toBe(true);
    }
  });

  it('a qualified exemption without public interest factors is refused', async () => {
    const fs = await import('node:fs');
    const { LAW_DIR } = await import('../src/law/profiles.js');
    const text = fs.readFileSync(`${LAW_DIR}/foia.yaml`, 'utf8');
    const broken = text.replace(/(  - id: s31\n[\s\S]*?)    public_interest:\n      for:\n(        - .*\n)+      against:\n(        - .*\n)+/, '$1');
    expect(broken).not.toBe(text);
    expect(() => parseProfile(broken, 'law/foia.yaml')).toThrow(/s31 is qualified/);
  });
});
