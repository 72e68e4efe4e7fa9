/** The section 12 cost estimate: only permitted activities, at the prescribed rate, against the limit. */
import { describe, expect, it } from 'vitest';
import { FoiError } from '../src/errors.js';
import { estimateCost } from '../src/law/cost.js';
import { loadProfile } from '../src/law/profiles.js';

const foia = loadProfile('foia');
const foisa = loadProfile('foisa');
const eir = loadProfile('eir');

function refusal(fn: () => unknown): FoiError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FoiError);
    return e as FoiError;
  }
  throw new Error('expected a FoiError');
}

const primer = [{ activity: 'extracting' as const, description: 'read each crime record to find those involving cyberstalking', records: 1144, minutes_each: 3 }];

describe('FOIA section 12', () => {
  it("the primer's example: 1,144 records × 3 minutes = 57.2 hours = £1,430, over £450 (18 hours)", () => {
    // 1,144 × 3 = 3,432 minutes = 57.2 hours; 57.2 × £25 = £1,430; £450 / £25 = 18 hours.
    const e = estimateCost(primer, foia);
    expect(e.activities).toEqual([
      { activity: 'extracting', description: primer[0]!.description, hours: 57.2, calculation: '1,144 records × 3 minutes = 57.2 hours' },
    ]);
    expect(e).toMatchObject({ total_hours: 57.2, cost: 1430, limit: 450, limit_hours: 18, hourly_rate: 25, exceeds: true });
    expect(e.summary).toBe('57.2 hours × £25 an hour = £1,430, which exceeds the limit of £450 (18 hours).');
  });

  it('hours-based activities mixed with records × minutes; rounding is for display only', () => {
    // 2 + 3.5 + (100 × 5 = 500 minutes = 8.333… hours) = 13.833… hours = 830 minutes;
    // 830 / 60 × £25 = £345.83 (to the penny); under £450.
    const e = estimateCost(
      [
        { activity: 'determining', description: 'ask the records team whether the reports are held', hours: 2 },
        { activity: 'locating', description: 'find the boxes in the archive', hours: 3.5 },
        { activity: 'extracting', description: 'read each file', records: 100, minutes_each: 5 },
      ],
      foia,
    );
    expect(e.activities.map((a) => a.calculation)).toEqual(['2 hours', '3.5 hours', '100 records × 5 minutes = 8.3 hours']);
    expect(e.activities[2]!.hours).toBeCloseTo(500 / 60, 10);
    expect(e.total_hours).toBeCloseTo(830 / 60, 10);
    expect(e.cost).toBeCloseTo(345.8333333, 6);
    expect(e.exceeds).toBe(false);
    expect(e.summary).toBe('13.8 hours × £25 an hour = £345.83, which does not exceed the limit of £450 (18 hours).');
  });

  it('exactly at the limit does not exceed it (section 12: "would exceed")', () => {
    // 1,080 records × 1 minute = 18 hours = £450.
    const e = estimateCost([{ activity: 'retrieving', description: 'pull each record', records: 1080, minutes_each: 1 }], foia);
    expect(e).toMatchObject({ total_hours: 18, cost: 450, exceeds: false });
    expect(e.activities[0]!.calculation).toBe('1,080 records × 1 minute = 18 hours');
    // One more record tips it over: 1,081 minutes = 18.0166… hours, shown as 18 but exact in the comparison.
    const over = estimateCost([{ activity: 'retrieving', description: 'pull each record', records: 1081, minutes_each: 1 }], foia);
    expect(over.exceeds).toBe(true);
    expect(over.activities[0]!.calculation).toBe('1,081 records × 1 minute = 18 hours');
  });

  it('central government: £600, 24 hours', () => {
    // 20 hours × £25 = £500: over £450, under £600.
    const work = [{ activity: 'extracting' as const, description: 'read each file', hours: 20 }];
    expect(estimateCost(work, foia).exceeds).toBe(true);
    const central = estimateCost(work, foia, { central_government: true });
    expect(central).toMatchObject({ cost: 500, limit: 600, limit_hours: 24, exceeds: false });
    expect(estimateCost(primer, foia, { central_government: true })).toMatchObject({ limit: 600, limit_hours: 24, exceeds: true });
  });
});

describe('FOISA section 12', () => {
  it('£600 with staff time at £15 an hour (40 hours)', () => {
    // 57.2 hours × £15 = £858, over £600; £600 / £15 = 40 hours.
    const e = estimateCost(primer, foisa);
    expect(e).toMatchObject({ total_hours: 57.2, cost: 858, limit: 600, limit_hours: 40, hourly_rate: 15, exceeds: true });
    expect(e.summary).toBe('57.2 hours × £15 an hour = £858, which exceeds the limit of £600 (40 hours).');
  });

  it('the same £600 for every Scottish authority', () => {
    expect(estimateCost(primer, foisa, { central_government: true }).limit).toBe(600);
  });

  it('the cost of determining whether the information is held does not count', () => {
    const e = refusal(() => estimateCost([{ activity: 'determining', description: 'check whether held', hours: 5 }], foisa));
    expect(e.code).toBe('cost-activity-not-counted');
    expect(e.hint).toContain('regulation 3');
  });
});

describe('EIR has no cost limit', () => {
  it('is refused, pointing to regulation 12(4)(b)', () => {
    const e = refusal(() => estimateCost(primer, eir));
    expect(e.code).toBe('cost-no-limit');
    expect(e.hint).toContain('regulation 12(4)(b)');
    expect(e.hint).toContain('manifestly unreasonable');
  });
});

describe('bad activities are refused', () => {
  it('with a clear code', () => {
    expect(refusal(() => estimateCost([], foia)).code).toBe('cost-no-activities');
    expect(refusal(() => estimateCost([{ activity: 'extracting', description: 'x', hours: 1, records: 2, minutes_each: 1 }], foia)).code).toBe('cost-activity-invalid');
    expect(refusal(() => estimateCost([{ activity: 'extracting', description: 'x', records: 2 }], foia)).code).toBe('cost-activity-invalid');
    expect(refusal(() => estimateCost([{ activity: 'extracting', description: 'x' }], foia)).code).toBe('cost-activity-invalid');
    expect(refusal(() => estimateCost([{ activity: 'extracting', description: 'x', records: 2.5, minutes_each: 1 }], foia)).code).toBe('cost-activity-invalid');
    expect(refusal(() => estimateCost([{ activity: 'extracting', description: 'x', hours: -1 }], foia)).code).toBe('cost-activity-invalid');
    expect(refusal(() => estimateCost([{ activity: 'redacting' as 'extracting', description: 'x', hours: 1 }], foia)).code).toBe('cost-activity-unknown');
  });
});
