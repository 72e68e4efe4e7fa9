/**
 * Statutory deadlines in working days. The day after receipt (or after a clarification) is the
 * first day counted; the response is due on the Nth working day. Working days exclude Saturdays,
 * Sundays, Christmas Day, Good Friday and the bank holidays of the law's profile: `uk` is the
 * union of the three GOV.UK divisions (FOIA s10(6): a bank holiday "in any part of the United
 * Kingdom"; EIR by regulation 2(1)), `scotland` is Scotland's only (FOISA s73).
 *
 * Bank holidays come from `law/uk-bank-holidays.json` (the GOV.UK feed). Outside the years it
 * covers, foi refuses rather than guesses: a one-off holiday (a jubilee, a state funeral) cannot
 * be predicted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LAW_DIR } from '../paths.js';
import { z } from 'zod';
import { FoiError } from '../errors.js';
import { addDays, compareDates, dateProblem, weekday, weekdayName } from '../util/dates.js';
import { isLawId, LAW_IDS, loadProfile, type LawId } from './profiles.js';

export type HolidayRule = 'uk' | 'scotland';

export interface DeadlineInput {
  received: string;
  law?: LawId;
  /** Working days allowed (default: the law's, 20). */
  days?: number;
  /** The clock restarts: the day after the clarification is received is the first day counted. */
  clarified?: string;
  /** Working days added: a public interest extension (FOIA s10(3)) or EIR regulation 7 (to 40 in all). */
  extension_days?: number;
}

export interface Deadline {
  due: string;
  /** The law's id: foia, foisa or eir. */
  law: string;
  /** Working days counted, including any extension. */
  working_days: number;
  /** Working day 1: the first working day after receipt (or clarification). */
  start: string;
  /** How it was counted, one line each; each skipped holiday has a line "YYYY-MM-DD reason". */
  explanation: string[];
  /** Weekdays not counted because they are holidays (Saturdays and Sundays are only counted up). */
  skipped: { date: string; reason: string }[];
}

const HOLIDAYS_FILE = 'law/uk-bank-holidays.json';
const HOLIDAYS_PATH = path.join(LAW_DIR, 'uk-bank-holidays.json');

const DIVISIONS = ['england-and-wales', 'scotland', 'northern-ireland'] as const;
type Division = (typeof DIVISIONS)[number];
const DIVISION_NAMES: Record<Division, string> = {
  'england-and-wales': 'England and Wales',
  scotland: 'Scotland',
  'northern-ireland': 'Northern Ireland',
};

const BankHolidayFile = z.record(
  z.string(),
  z.object({
    division: z.string(),
    events: z.array(z.object({ title: z.string().min(1), date: z.string(), notes: z.string() })),
  }),
);

interface HolidayEvent {
  division: Division;
  title: string;
  notes: string;
}

interface HolidayData {
  byDate: Map<string, HolidayEvent[]>;
  firstYear: number;
  lastYear: number;
}

let holidayData: HolidayData | undefined;

function invalidHolidays(message: string, cause?: unknown): FoiError {
  return new FoiError('holidays-invalid', `${HOLIDAYS_FILE} ${message}`, {
    hint: 'it ships with foi (a copy of the GOV.UK bank holidays feed, https://www.gov.uk/bank-holidays.json); restore it from the repository',
    location: { file: HOLIDAYS_FILE },
    cause,
  });
}

function loadHolidays(): HolidayData {
  if (holidayData) return holidayData;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(HOLIDAYS_PATH, 'utf8'));
  } catch (e) {
    throw invalidHolidays('could not be read as JSON', e);
  }
  const parsed = BankHolidayFile.safeParse(raw);
  if (!parsed.success) throw invalidHolidays(`is not in the GOV.UK format: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`);
  const byDate = new Map<string, HolidayEvent[]>();
  let first = '';
  let last = '';
  for (const division of DIVISIONS) {
    const events = parsed.data[division]?.events;
    if (!events || events.length === 0) throw invalidHolidays(`has no events for the division "${division}"`);
    for (const e of events) {
      const problem = dateProblem(e.date);
      if (problem) throw invalidHolidays(`has an invalid date: ${problem}`);
      const list = byDate.get(e.date) ?? [];
      list.push({ division, title: e.title, notes: e.notes });
      byDate.set(e.date, list);
      if (!first || e.date < first) first = e.date;
      if (!last || e.date > last) last = e.date;
    }
  }
  holidayData = { byDate, firstYear: Number(first.slice(0, 4)), lastYear: Number(last.slice(0, 4)) };
  return holidayData;
}

/** The years the bank-holiday data covers, e.g. { first: 2012, last: 2028 }. */
export function holidayYears(): { first: number; last: number } {
  const { firstYear, lastYear } = loadHolidays();
  return { first: firstYear, last: lastYear };
}

/** Easter Sunday (anonymous Gregorian computus), as YYYY-MM-DD. */
function easterSunday(y: number): string {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const tidy = (s: string) => s.replace(/[\u2018\u2019]/g, "'");
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function checkDate(s: unknown, what: string): string {
  const problem = typeof s === 'string' ? dateProblem(s) : `${JSON.stringify(s)} is not a date written YYYY-MM-DD`;
  if (problem) {
    throw new FoiError('deadline-date-invalid', `the ${what} is not a valid date: ${problem}`, {
      hint: 'write dates as YYYY-MM-DD, e.g. 2019-10-01',
    });
  }
  return s as string;
}

function checkRange(date: string, context: string): void {
  const { firstYear, lastYear } = loadHolidays();
  const year = Number(date.slice(0, 4));
  if (year < firstYear || year > lastYear) {
    throw new FoiError(
      'deadline-out-of-range',
      `${context} needs the bank holidays of ${year}, but ${HOLIDAYS_FILE} covers only ${firstYear} to ${lastYear}`,
      {
        hint:
          `foi will not guess bank holidays (one-off holidays cannot be predicted): update ${HOLIDAYS_FILE} ` +
          'from the GOV.UK feed (https://www.gov.uk/bank-holidays.json), or work this deadline out by hand',
      },
    );
  }
}

/**
 * Why `date` is not a working day under `rule` ("Saturday", "Christmas Day",
 * "2nd January (Scotland)"), or undefined when it is one. Assumes a valid, in-range date.
 */
function nonWorkingReason(date: string, rule: HolidayRule): string | undefined {
  const wd = weekday(date);
  if (wd === 6) return 'Saturday';
  if (wd === 0) return 'Sunday';
  const divisions: readonly Division[] = rule === 'uk' ? DIVISIONS : ['scotland'];
  const events = (loadHolidays().byDate.get(date) ?? []).filter((e) => divisions.includes(e.division));
  if (events.length > 0) {
    const groups = new Map<string, { title: string; notes: string; divisions: Division[] }>();
    for (const e of events) {
      const key = `${e.title}\u0000${e.notes}`;
      const g = groups.get(key) ?? { title: e.title, notes: e.notes, divisions: [] };
      g.divisions.push(e.division);
      groups.set(key, g);
    }
    return [...groups.values()]
      .map((g) => {
        const extras: string[] = [];
        if (g.notes.trim()) extras.push(lowerFirst(tidy(g.notes.trim())));
        if (rule === 'uk' && g.divisions.length < DIVISIONS.length) extras.push(g.divisions.map((d) => DIVISION_NAMES[d]).join(', '));
        return tidy(g.title) + (extras.length > 0 ? ` (${extras.join('; ')})` : '');
      })
      .join('; ');
  }
  // Excluded by statute whether or not the feed lists them (it always does in practice).
  if (date.slice(5) === '12-25') return 'Christmas Day';
  if (date === addDays(easterSunday(Number(date.slice(0, 4))), -2)) return 'Good Friday';
  return undefined;
}

/**
 * Whether `date` is a working day: not a Saturday, Sunday, Christmas Day, Good Friday or a bank
 * holiday (`uk`: in any part of the UK; `scotland`: in Scotland).
 */
export function isWorkingDay(date: string, holidays: HolidayRule): boolean {
  checkDate(date, 'date');
  if (holidays !== 'uk' && holidays !== 'scotland') {
    throw new FoiError('deadline-holidays-unknown', `"${String(holidays)}" is not a set of bank holidays foi knows`, { hint: 'use "uk" or "scotland"' });
  }
  checkRange(date, `deciding whether ${date} is a working day`);
  return nonWorkingReason(date, holidays) === undefined;
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function checkWholeDays(n: unknown, what: string, min: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
    throw new FoiError('deadline-days-invalid', `${what} must be a whole number of working days, at least ${min}; got ${JSON.stringify(n)}`);
  }
  return n;
}

/** The date a response is due, with an explanation of how it was counted. */
export function computeDeadline(input: DeadlineInput): Deadline {
  const lawId = input.law ?? 'foia';
  if (!isLawId(lawId)) {
    throw new FoiError('deadline-law-unknown', `"${String(lawId)}" is not a law foi knows`, { hint: `use one of: ${LAW_IDS.join(', ')}` });
  }
  const profile = loadProfile(lawId);
  const tl = profile.time_limit;
  const received = checkDate(input.received, 'date the request was received');
  const clarified = input.clarified === undefined ? undefined : checkDate(input.clarified, 'date the clarification was received');
  if (clarified !== undefined && compareDates(clarified, received) < 0) {
    throw new FoiError('deadline-clarified-before-received', `the clarification (${clarified}) cannot come before the request was received (${received})`, {
      hint: 'check the two dates: the clarification answers a question about the request, so it comes later',
    });
  }
  const base = input.days === undefined ? tl.working_days : checkWholeDays(input.days, 'days', 1);
  const extension = input.extension_days === undefined ? 0 : checkWholeDays(input.extension_days, 'extension_days', 0);
  if (extension > 0 && !tl.extension.available) {
    throw new FoiError('deadline-no-extension', `${profile.name} allows no extension of the time limit`, { hint: tl.extension.wording });
  }
  const total = base + extension;
  if (extension > 0 && tl.extension_days !== undefined && total > tl.extension_days) {
    throw new FoiError(
      'deadline-extension-too-long',
      `${profile.name} allows at most ${tl.extension_days} working days in all (${tl.extension.section}); ${base} + ${extension} = ${total}`,
      { hint: `give extension_days: ${Math.max(0, tl.extension_days - base)}` },
    );
  }

  const from = clarified ?? received;
  const context = `the deadline for a request received on ${received}${clarified ? ` and clarified on ${clarified}` : ''} (${total} working days under ${profile.name})`;
  const skipped: { date: string; reason: string }[] = [];
  let weekendDays = 0;
  let count = 0;
  let day = from;
  let start = '';
  while (count < total) {
    day = addDays(day, 1);
    checkRange(day, context);
    const reason = nonWorkingReason(day, tl.holidays);
    if (reason === 'Saturday' || reason === 'Sunday') weekendDays++;
    else if (reason !== undefined) skipped.push({ date: day, reason });
    else {
      count++;
      if (count === 1) start = day;
    }
  }
  const due = day;

  const explanation: string[] = [`Received ${received} (${weekdayName(received)}).`];
  if (clarified) {
    explanation.push(`Clarification received ${clarified} (${weekdayName(clarified)}): the count starts again from the day after it (${tl.clarification_section}).`);
  }
  explanation.push(
    `${profile.name}, ${tl.section}: due no later than the ${ordinal(total)} working day following ` +
      `${clarified ? 'receipt of the clarification' : 'the date of receipt'}; counting starts on the day after ${clarified ?? received}.`,
  );
  if (extension > 0) {
    explanation.push(`Extended by ${plural(extension, 'working day', 'working days')} under ${tl.extension.section}: ${total} working days in all.`);
    const further = tl.extension.further_working_days;
    if (further !== undefined && extension > further) {
      explanation.push(
        `Note: the extension is longer than ${further} working days; the Information Commissioner's guidance is that it should normally be no more than ${further} further working days.`,
      );
    }
  }
  if (input.days !== undefined && input.days !== tl.working_days) {
    explanation.push(`Counted over ${plural(base, 'working day', 'working days')} as asked, not the statutory ${tl.working_days}.`);
  }
  explanation.push(tl.working_day_definition);
  explanation.push(`Day 1 is ${start} (${weekdayName(start)}).`);
  explanation.push(`${plural(weekendDays, 'Saturday or Sunday was', 'Saturdays and Sundays were')} not counted.`);
  if (skipped.length > 0) {
    explanation.push(`${plural(skipped.length, 'holiday was', 'holidays were')} not counted:`);
    for (const s of skipped) explanation.push(`${s.date} ${s.reason}`);
  } else {
    explanation.push('No bank holidays fell in the period.');
  }
  explanation.push(`Due ${due} (${weekdayName(due)}), working day ${total}.`);

  return { due, law: profile.id, working_days: total, start, explanation, skipped };
}
