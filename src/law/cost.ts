/**
 * The section 12 cost estimate: staff time for the activities the law lets an authority count,
 * at the prescribed hourly rate, against the appropriate limit. FOIA: £450 (£600 central
 * government) at £25 an hour, for determining whether held, locating, retrieving and extracting.
 * FOISA: £600 at no more than £15 an hour, for locating, retrieving and providing (determining
 * whether held does not count). EIR has no cost limit (regulation 12(4)(b) instead).
 *
 * Hours are rounded to one decimal place only where they are displayed; the comparison with the
 * limit uses the exact figures.
 */
import { FoiError } from '../errors.js';
import type { CostActivityId, LawProfile } from './profiles.js';

export interface CostActivity {
  activity: CostActivityId;
  description: string;
  /** With minutes_each: so many records at so many minutes each. */
  records?: number;
  minutes_each?: number;
  /** Or an estimate in hours. */
  hours?: number;
}

export interface CostEstimateLine {
  activity: CostActivityId;
  description: string;
  /** Exact (not rounded). */
  hours: number;
  /** e.g. "1,144 records × 3 minutes = 57.2 hours". */
  calculation: string;
}

export interface CostEstimate {
  activities: CostEstimateLine[];
  /** Exact sum (not rounded). */
  total_hours: number;
  /** Pounds, exact. */
  cost: number;
  /** The appropriate limit in pounds. */
  limit: number;
  /** The limit in hours of staff time at the hourly rate (18 for £450 at £25). */
  limit_hours: number;
  hourly_rate: number;
  exceeds: boolean;
  /** One sentence for the letter, e.g. "57.2 hours × £25 an hour = £1,430, which exceeds the limit of £450 (18 hours)." */
  summary: string;
}

const ACTIVITY_IDS: readonly CostActivityId[] = ['determining', 'locating', 'retrieving', 'extracting'];

const integer = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const upTo2 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const oneDp = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });
const pounds2 = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "57.2 hours", "1 hour", "8.3 hours" (one decimal place, for display). */
export function formatHours(hours: number): string {
  const s = oneDp.format(hours);
  return `${s} ${s === '1' ? 'hour' : 'hours'}`;
}

/** "£1,430", "£345.83". */
export function formatPounds(amount: number): string {
  const pence = Math.round(amount * 100);
  return pence % 100 === 0 ? `£${integer.format(pence / 100)}` : `£${pounds2.format(pence / 100)}`;
}

function invalid(index: number, message: string, hint?: string): FoiError {
  return new FoiError('cost-activity-invalid', `cost activity ${index + 1}: ${message}`, {
    hint: hint ?? 'give either records and minutes_each (e.g. records: 1144, minutes_each: 3) or hours (e.g. hours: 2.5)',
  });
}

const isNonNegative = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;

/** The cost of complying, against the law's appropriate limit. */
export function estimateCost(activities: CostActivity[], profile: LawProfile, opts: { central_government?: boolean } = {}): CostEstimate {
  const limits = profile.cost_limit;
  if (limits.kind === 'none') {
    throw new FoiError('cost-no-limit', `${profile.name} has no cost limit, so there is no section 12 estimate to make`, {
      hint: limits.explanation,
    });
  }
  if (!Array.isArray(activities) || activities.length === 0) {
    throw new FoiError('cost-no-activities', 'a cost estimate needs at least one activity', {
      hint: `list the work, e.g. { activity: extracting, description: read each crime record, records: 1144, minutes_each: 3 }`,
    });
  }
  const permitted = new Map(limits.activities.map((a) => [a.id, a.label]));
  const permittedList = limits.activities.map((a) => `${a.id} (${a.label})`).join('; ');

  let totalMinutes = 0;
  const lines: CostEstimateLine[] = activities.map((a, i) => {
    if (!ACTIVITY_IDS.includes(a.activity)) {
      throw new FoiError('cost-activity-unknown', `cost activity ${i + 1}: "${String(a.activity)}" is not an activity`, {
        hint: `${profile.name} counts only: ${permittedList}`,
      });
    }
    if (!permitted.has(a.activity)) {
      throw new FoiError('cost-activity-not-counted', `cost activity ${i + 1}: ${profile.name} does not let the cost of "${a.activity}" count towards the limit`, {
        hint: `only these count (${limits.activities_section} of ${limits.regulations}): ${permittedList}`,
      });
    }
    if (typeof a.description !== 'string' || a.description.trim() === '') {
      throw invalid(i, 'needs a description of the work', 'say what the work is, e.g. "read each crime record to find those involving cyberstalking"');
    }
    const byRecords = a.records !== undefined || a.minutes_each !== undefined;
    if (byRecords && a.hours !== undefined) throw invalid(i, 'gives both hours and records × minutes; give one or the other');
    let minutes: number;
    let calculation: string;
    if (byRecords) {
      if (a.records === undefined || a.minutes_each === undefined) throw invalid(i, 'records and minutes_each go together');
      if (!isNonNegative(a.records) || !Number.isInteger(a.records)) throw invalid(i, `records must be a whole number, 0 or more; got ${JSON.stringify(a.records)}`);
      if (!isNonNegative(a.minutes_each) || a.minutes_each === 0) throw invalid(i, `minutes_each must be more than 0; got ${JSON.stringify(a.minutes_each)}`);
      minutes = a.records * a.minutes_each;
      calculation =
        `${integer.format(a.records)} ${a.records === 1 ? 'record' : 'records'} × ` +
        `${upTo2.format(a.minutes_each)} ${a.minutes_each === 1 ? 'minute' : 'minutes'} = ${formatHours(minutes / 60)}`;
    } else {
      if (a.hours === undefined) throw invalid(i, 'gives neither hours nor records × minutes');
      if (!isNonNegative(a.hours)) throw invalid(i, `hours must be a number, 0 or more; got ${JSON.stringify(a.hours)}`);
      minutes = a.hours * 60;
      calculation = formatHours(a.hours);
    }
    totalMinutes += minutes;
    return { activity: a.activity, description: a.description, hours: minutes / 60, calculation };
  });

  const rate = limits.hourly_rate;
  const limit = opts.central_government && limits.central_government_amount !== undefined ? limits.central_government_amount : limits.amount;
  const cost = (totalMinutes * rate) / 60;
  const total_hours = totalMinutes / 60;
  const limit_hours = limit / rate;
  const exceeds = cost > limit;
  const summary =
    `${formatHours(total_hours)} × ${formatPounds(rate)} an hour = ${formatPounds(cost)}, which ` +
    `${exceeds ? 'exceeds' : 'does not exceed'} the limit of ${formatPounds(limit)} (${formatHours(limit_hours)}).`;
  return { activities: lines, total_hours, cost, limit, limit_hours, hourly_rate: rate, exceeds, summary };
}
