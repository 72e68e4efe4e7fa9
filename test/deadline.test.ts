/**
 * Statutory deadlines, each worked out by hand from a calendar (the reasoning is beside each
 * case). Day 1 is the first working day after receipt; the due date is working day 20.
 */
import { describe, expect, it } from 'vitest';
import { FoiError } from '../src/errors.js';
import { computeDeadline, holidayYears, isWorkingDay, type DeadlineInput } from '../src/law/deadline.js';

const skippedOf = (input: DeadlineInput) => computeDeadline(input).skipped.map((s) => `${s.date} ${s.reason}`);

function refusal(fn: () => unknown): FoiError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FoiError);
    return e as FoiError;
  }
  throw new Error('expected a FoiError');
}

describe('FOIA deadlines (20 working days, bank holidays in any part of the UK)', () => {
  it('received Tuesday 1 October 2019: no holidays', () => {
    // Oct 2019: Wed 2 (1), Thu 3 (2), Fri 4 (3); 7–11 (4–8); 14–18 (9–13); 21–25 (14–18);
    // Mon 28 (19), Tue 29 (20). No bank holiday anywhere in the UK in October 2019.
    const d = computeDeadline({ received: '2019-10-01' });
    expect(d).toMatchObject({ due: '2019-10-29', start: '2019-10-02', law: 'foia', working_days: 20, skipped: [] });
    expect(d.explanation).toContain('Received 2019-10-01 (Tuesday).');
    expect(d.explanation).toContain('Day 1 is 2019-10-02 (Wednesday).');
    expect(d.explanation).toContain('No bank holidays fell in the period.');
    expect(d.explanation.at(-1)).toBe('Due 2019-10-29 (Tuesday), working day 20.');
  });

  it('law defaults to FOIA', () => {
    expect(computeDeadline({ received: '2019-10-01', law: 'foia' }).due).toBe(computeDeadline({ received: '2019-10-01' }).due);
  });

  it('received Friday 20 December 2019: Christmas, New Year and Scotland\'s 2 January all skipped', () => {
    // Sat 21, Sun 22 weekend; Mon 23 (1), Tue 24 (2); Wed 25 Christmas Day, Thu 26 Boxing Day;
    // Fri 27 (3); Mon 30 (4), Tue 31 (5); Wed 1 Jan New Year's Day; Thu 2 Jan 2nd January (a
    // Scottish bank holiday, so not a working day for FOIA either); Fri 3 (6); 6–10 (7–11);
    // 13–17 (12–16); Mon 20 (17), Tue 21 (18), Wed 22 (19), Thu 23 January 2020 (20).
    const d = computeDeadline({ received: '2019-12-20', law: 'foia' });
    expect(d.due).toBe('2020-01-23');
    expect(d.start).toBe('2019-12-23');
    expect(d.skipped).toEqual([
      { date: '2019-12-25', reason: 'Christmas Day' },
      { date: '2019-12-26', reason: 'Boxing Day' },
      { date: '2020-01-01', reason: "New Year's Day" },
      { date: '2020-01-02', reason: '2nd January (Scotland)' },
    ]);
    expect(d.explanation).toEqual(
      expect.arrayContaining(['2019-12-25 Christmas Day', '2019-12-26 Boxing Day', "2020-01-01 New Year's Day", '2020-01-02 2nd January (Scotland)']),
    );
    expect(d.explanation).toContain('10 Saturdays and Sundays were not counted.');
  });

  it('Easter 2019 (received Friday 12 April): Good Friday, Easter Monday, Early May bank holiday', () => {
    // Mon 15 (1) – Thu 18 (4); Fri 19 Good Friday; Mon 22 Easter Monday (England and Wales,
    // Northern Ireland); Tue 23 (5) – Fri 26 (8); Mon 29 (9), Tue 30 (10); Wed 1 May (11) –
    // Fri 3 (13); Mon 6 May Early May bank holiday; Tue 7 (14) – Fri 10 (17); Mon 13 (18),
    // Tue 14 (19), Wed 15 May (20).
    expect(computeDeadline({ received: '2019-04-12' }).due).toBe('2019-05-15');
    expect(skippedOf({ received: '2019-04-12' })).toEqual([
      '2019-04-19 Good Friday',
      '2019-04-22 Easter Monday (England and Wales, Northern Ireland)',
      '2019-05-06 Early May bank holiday',
    ]);
  });

  it('Easter 2023 (received Monday 3 April)', () => {
    // Tue 4 (1), Wed 5 (2), Thu 6 (3); Fri 7 Good Friday; Mon 10 Easter Monday; Tue 11 (4) –
    // Fri 14 (7); 17–21 (8–12); 24–28 (13–17); Mon 1 May Early May bank holiday; Tue 2 (18),
    // Wed 3 (19), Thu 4 May (20).
    const d = computeDeadline({ received: '2023-04-03' });
    expect(d.due).toBe('2023-05-04');
    expect(d.explanation).toEqual(
      expect.arrayContaining(['2023-04-07 Good Friday', '2023-04-10 Easter Monday (England and Wales, Northern Ireland)', '2023-05-01 Early May bank holiday']),
    );
  });

  it('2022: the moved spring bank holiday (2 June) and the Platinum Jubilee (3 June)', () => {
    // Received Fri 27 May. Mon 30 May is NOT a holiday in 2022 (the spring bank holiday moved):
    // Mon 30 (1), Tue 31 (2), Wed 1 Jun (3); Thu 2 and Fri 3 June skipped; 6–10 (4–8);
    // 13–17 (9–13); 20–24 (14–18); Mon 27 (19), Tue 28 June (20).
    const d = computeDeadline({ received: '2022-05-27' });
    expect(d.due).toBe('2022-06-28');
    expect(d.explanation).toEqual(expect.arrayContaining(['2022-06-02 Spring bank holiday', '2022-06-03 Platinum Jubilee bank holiday']));
    expect(isWorkingDay('2022-05-30', 'uk')).toBe(true);
  });

  it('2022: the State Funeral of Queen Elizabeth II (19 September)', () => {
    // Received Mon 12 Sep. Tue 13 (1) – Fri 16 (4); Mon 19 skipped; Tue 20 (5) – Fri 23 (8);
    // 26–30 (9–13); 3–7 Oct (14–18); Mon 10 (19), Tue 11 October (20).
    const d = computeDeadline({ received: '2022-09-12' });
    expect(d.due).toBe('2022-10-11');
    expect(d.explanation).toContain('2022-09-19 Bank Holiday for the State Funeral of Queen Elizabeth II');
  });

  it('2023: the Coronation of King Charles III (8 May)', () => {
    // Received Tue 2 May (the day after the Early May bank holiday). Wed 3 (1), Thu 4 (2),
    // Fri 5 (3); Mon 8 Coronation; Tue 9 (4) – Fri 12 (7); 15–19 (8–12); 22–26 (13–17);
    // Mon 29 Spring bank holiday; Tue 30 (18), Wed 31 (19), Thu 1 June (20).
    const d = computeDeadline({ received: '2023-05-02' });
    expect(d.due).toBe('2023-06-01');
    expect(d.skipped.map((s) => s.date)).toEqual(['2023-05-08', '2023-05-29']);
    expect(d.explanation).toContain('2023-05-08 Bank holiday for the coronation of King Charles III');
  });

  it('a request received on a Saturday: day 1 is the Monday', () => {
    // Received Sat 5 Oct 2019. Sun 6 is not a working day; Mon 7 (1) – Fri 11 (5);
    // 14–18 (6–10); 21–25 (11–15); 28 Oct – Fri 1 November (16–20).
    const d = computeDeadline({ received: '2019-10-05' });
    expect(d).toMatchObject({ start: '2019-10-07', due: '2019-11-01' });
  });
});

describe('Scottish-only holidays count for FOIA (union) and for FOISA', () => {
  it("St Andrew's Day on a weekday (Wednesday 30 November 2022)", () => {
    // Received Mon 21 Nov. Tue 22 (1) – Fri 25 (4); Mon 28 (5), Tue 29 (6); Wed 30 St Andrew's
    // Day skipped; Thu 1 Dec (7), Fri 2 (8); 5–9 (9–13); 12–16 (14–18); Mon 19 (19), Tue 20
    // December (20). The same under FOISA (a Scottish bank holiday); an England-only count
    // would wrongly give Monday 19 December.
    const foia = computeDeadline({ received: '2022-11-21' });
    expect(foia.due).toBe('2022-12-20');
    expect(foia.explanation).toContain("2022-11-30 St Andrew's Day (Scotland)");
    const foisa = computeDeadline({ received: '2022-11-21', law: 'foisa' });
    expect(foisa.due).toBe('2022-12-20');
    expect(foisa.explanation).toContain("2022-11-30 St Andrew's Day");
  });

  it('2 January (2020-01-02) under FOISA as well as FOIA', () => {
    // The same count as the FOIA case above: every one of the four days is also a Scottish
    // bank holiday, so FOISA gives Thursday 23 January 2020 too; the reason needs no "(Scotland)".
    const d = computeDeadline({ received: '2019-12-20', law: 'foisa' });
    expect(d.due).toBe('2020-01-23');
    expect(d.explanation).toEqual(expect.arrayContaining(['2019-12-25 Christmas Day', '2019-12-26 Boxing Day', "2020-01-01 New Year's Day", '2020-01-02 2nd January']));
  });

  it('Easter Monday is not a Scottish bank holiday, so FOISA counts it', () => {
    // As the FOIA Easter 2019 case, but Mon 22 April is working day 5 in Scotland, so every
    // later day moves one earlier: due Tuesday 14 May 2019.
    expect(computeDeadline({ received: '2019-04-12', law: 'foisa' }).due).toBe('2019-05-14');
    expect(skippedOf({ received: '2019-04-12', law: 'foisa' })).toEqual(['2019-04-19 Good Friday', '2019-05-06 Early May bank holiday']);
  });

  it("Scotland's summer bank holiday (first Monday of August) and England's (last Monday)", () => {
    // Received Mon 29 July 2019. FOIA: Tue 30 (1) – Fri 2 Aug (4); Mon 5 Aug skipped (Scotland);
    // Tue 6 (5) – Fri 9 (8); 12–16 (9–13); 19–23 (14–18); Mon 26 skipped (England and Wales,
    // Northern Ireland); Tue 27 (19), Wed 28 August (20).
    // FOISA: Mon 5 skipped, but Mon 26 is a working day in Scotland: Mon 26 (19), Tue 27 (20).
    expect(computeDeadline({ received: '2019-07-29' }).due).toBe('2019-08-28');
    expect(skippedOf({ received: '2019-07-29' })).toEqual([
      '2019-08-05 Summer bank holiday (Scotland)',
      '2019-08-26 Summer bank holiday (England and Wales, Northern Ireland)',
    ]);
    expect(computeDeadline({ received: '2019-07-29', law: 'foisa' }).due).toBe('2019-08-27');
    expect(skippedOf({ received: '2019-07-29', law: 'foisa' })).toEqual(['2019-08-05 Summer bank holiday']);
  });
});

describe('Northern Ireland-only holidays count for FOIA but not for FOISA', () => {
  it("St Patrick's Day (Thursday 17 March 2022)", () => {
    // Received Mon 14 Mar. FOIA: Tue 15 (1), Wed 16 (2); Thu 17 skipped; Fri 18 (3); 21–25
    // (4–8); 28 Mar – 1 Apr (9–13); 4–8 (14–18); Mon 11 (19), Tue 12 April (20).
    // FOISA: Thu 17 is working day 3, so everything moves one earlier: Monday 11 April.
    const foia = computeDeadline({ received: '2022-03-14' });
    expect(foia.due).toBe('2022-04-12');
    expect(foia.explanation).toContain("2022-03-17 St Patrick's Day (Northern Ireland)");
    const foisa = computeDeadline({ received: '2022-03-14', law: 'foisa' });
    expect(foisa.due).toBe('2022-04-11');
    expect(foisa.skipped).toEqual([]);
    expect(isWorkingDay('2022-03-17', 'uk')).toBe(false);
    expect(isWorkingDay('2022-03-17', 'scotland')).toBe(true);
  });

  it('12 July (Wednesday 12 July 2023), with Scotland\'s August holiday after it', () => {
    // Received Mon 10 Jul. FOIA: Tue 11 (1); Wed 12 skipped (Northern Ireland); Thu 13 (2),
    // Fri 14 (3); 17–21 (4–8); 24–28 (9–13); 31 Jul – 4 Aug (14–18); Mon 7 Aug skipped
    // (Scotland's summer bank holiday); Tue 8 (19), Wed 9 August (20).
    // FOISA: Wed 12 July counts: 11–14 (1–4); 17–21 (5–9); 24–28 (10–14); 31 Jul – 4 Aug
    // (15–19); Mon 7 Aug skipped; Tue 8 August (20).
    expect(computeDeadline({ received: '2023-07-10' }).due).toBe('2023-08-09');
    expect(skippedOf({ received: '2023-07-10' })).toEqual([
      "2023-07-12 Battle of the Boyne (Orangemen's Day) (Northern Ireland)",
      '2023-08-07 Summer bank holiday (Scotland)',
    ]);
    expect(computeDeadline({ received: '2023-07-10', law: 'foisa' }).due).toBe('2023-08-08');
  });
});

describe('clarification and extensions', () => {
  it('clarification restarts the clock: the day after it is counted first', () => {
    // Received Tue 1 Oct 2019, clarified Thu 10 Oct. Fri 11 (1); 14–18 (2–6); 21–25 (7–11);
    // 28 Oct – 1 Nov (12–16); Mon 4 (17), Tue 5 (18), Wed 6 (19), Thu 7 November (20).
    const d = computeDeadline({ received: '2019-10-01', clarified: '2019-10-10' });
    expect(d).toMatchObject({ start: '2019-10-11', due: '2019-11-07', working_days: 20 });
    expect(d.explanation.some((l) => l.startsWith('Clarification received 2019-10-10 (Thursday)'))).toBe(true);
  });

  it('a clarification before receipt is refused', () => {
    expect(refusal(() => computeDeadline({ received: '2019-10-10', clarified: '2019-10-01' })).code).toBe('deadline-clarified-before-received');
  });

  it('FOIA public interest extension of 20 working days (40 in all)', () => {
    // Working day 20 is Tue 29 Oct 2019 (first case). Then Wed 30 (21) – Fri 1 Nov (23);
    // 4–8 (24–28); 11–15 (29–33); 18–22 (34–38); Mon 25 (39), Tue 26 November (40).
    // St Andrew's Day 2019 falls on a Saturday (substitute day Mon 2 Dec), after the due date.
    const d = computeDeadline({ received: '2019-10-01', extension_days: 20 });
    expect(d).toMatchObject({ due: '2019-11-26', working_days: 40 });
    expect(d.explanation).toContain('Extended by 20 working days under section 10(3): 40 working days in all.');
  });

  it('EIR regulation 7: extended to 40 working days over Christmas', () => {
    // Working day 20 is Thu 23 Jan 2020 (as the FOIA Christmas case: EIR uses the same UK
    // working days). Fri 24 (21); 27–31 (22–26); 3–7 Feb (27–31); 10–14 (32–36); Mon 17 (37),
    // Tue 18 (38), Wed 19 (39), Thu 20 February 2020 (40).
    const d = computeDeadline({ received: '2019-12-20', law: 'eir', extension_days: 20 });
    expect(d).toMatchObject({ due: '2020-02-20', working_days: 40, law: 'eir' });
    expect(d.explanation).toContain('2020-01-02 2nd January (Scotland)');
    expect(refusal(() => computeDeadline({ received: '2019-12-20', law: 'eir', extension_days: 21 })).code).toBe('deadline-extension-too-long');
  });

  it('FOISA has no extension', () => {
    expect(refusal(() => computeDeadline({ received: '2019-10-01', law: 'foisa', extension_days: 20 })).code).toBe('deadline-no-extension');
  });

  it('working days that are not whole numbers are refused', () => {
    expect(refusal(() => computeDeadline({ received: '2019-10-01', days: 0 })).code).toBe('deadline-days-invalid');
    expect(refusal(() => computeDeadline({ received: '2019-10-01', extension_days: 2.5 })).code).toBe('deadline-days-invalid');
  });
});

describe('refusing rather than guessing', () => {
  it('the holiday data covers 2012 to 2028', () => {
    expect(holidayYears()).toEqual({ first: 2012, last: 2028 });
  });

  it('a 2011 request is refused', () => {
    const e = refusal(() => computeDeadline({ received: '2011-06-01' }));
    expect(e.code).toBe('deadline-out-of-range');
    expect(e.message).toMatch(/2011.*covers only 2012 to 2028/);
    expect(e.hint).toMatch(/will not guess/);
  });

  it('a deadline running from December 2028 into 2029 is refused', () => {
    // Received Wed 20 Dec 2028: Thu 21 (1), Fri 22 (2), Mon 25 and Tue 26 holidays, 27–29
    // (3–5), then Monday 1 January 2029, beyond the data.
    const e = refusal(() => computeDeadline({ received: '2028-12-20' }));
    expect(e.code).toBe('deadline-out-of-range');
    expect(e.message).toContain('2029');
    expect(refusal(() => isWorkingDay('2029-01-02', 'uk')).code).toBe('deadline-out-of-range');
  });

  it('late 2028: due within 2028 is fine, a count that reaches 2029 is refused', () => {
    // Received Wed 1 Nov 2028: Thu 2 (1), Fri 3 (2); 6–10 (3–7); 13–17 (8–12); 20–24 (13–17);
    // Mon 27 (18), Tue 28 (19), Wed 29 November (20). St Andrew's Day (Thu 30) comes after.
    expect(computeDeadline({ received: '2028-11-01' }).due).toBe('2028-11-29');
    // Received Fri 1 Dec 2028: 4–8 (1–5); 11–15 (6–10); 18–22 (11–15); Mon 25 and Tue 26
    // holidays; Wed 27 (16), Thu 28 (17), Fri 29 (18); then Monday 1 January 2029: refused.
    expect(refusal(() => computeDeadline({ received: '2028-12-01' })).code).toBe('deadline-out-of-range');
  });

  it('invalid dates are refused', () => {
    const e = refusal(() => computeDeadline({ received: '2019-09-31' }));
    expect(e.code).toBe('deadline-date-invalid');
    expect(e.message).toContain('September has 30 days');
    expect(refusal(() => computeDeadline({ received: '01/10/2019' })).code).toBe('deadline-date-invalid');
    expect(refusal(() => computeDeadline({ received: '2019-10-01', clarified: '2019-02-29' })).code).toBe('deadline-date-invalid');
    expect(refusal(() => isWorkingDay('2019-13-01', 'uk')).code).toBe('deadline-date-invalid');
  });
});

describe('isWorkingDay', () => {
  it('weekends, Christmas Day, Good Friday and the right bank holidays', () => {
    expect(isWorkingDay('2019-10-01', 'uk')).toBe(true);
    expect(isWorkingDay('2019-10-05', 'uk')).toBe(false); // Saturday
    expect(isWorkingDay('2019-12-25', 'scotland')).toBe(false);
    expect(isWorkingDay('2019-04-19', 'scotland')).toBe(false); // Good Friday
    expect(isWorkingDay('2019-04-22', 'scotland')).toBe(true); // Easter Monday: not in Scotland
    expect(isWorkingDay('2019-04-22', 'uk')).toBe(false);
    expect(isWorkingDay('2020-01-02', 'uk')).toBe(false); // 2nd January (Scotland)
  });
});
