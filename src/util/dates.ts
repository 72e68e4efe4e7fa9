/** Calendar dates as plain `YYYY-MM-DD` strings: no time zones, no clocks. */

const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const;

export function monthName(month: number): string {
  return MONTHS[month - 1]!;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

export interface Ymd {
  y: number;
  m: number;
  d: number;
}

/** Why a string is not a real calendar date, or undefined when it is one. */
export function dateProblem(s: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return `"${s}" is not a date written YYYY-MM-DD`;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12) return `"${s}" has month ${m[2]}: months run from 01 to 12`;
  const dim = daysInMonth(y, mo);
  if (d < 1 || d > dim) {
    if (mo === 2 && d === 29) return `"${s}" does not exist: ${y} is not a leap year, so February has 28 days`;
    return `"${s}" does not exist: ${monthName(mo)} has ${dim} days`;
  }
  return undefined;
}

/** How to mend a date that does not exist: the last day of its month, where the month is real. */
export function dateFix(s: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return 'write the date as YYYY-MM-DD, e.g. 2019-09-30';
  const y = Number(m[1]);
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return 'the month is the middle part, 01 to 12';
  return `use a day that exists: the last day of ${monthName(mo)} ${y} is ${formatYmd({ y, m: mo, d: daysInMonth(y, mo) })}`;
}

export function parseYmd(s: string): Ymd {
  const problem = dateProblem(s);
  if (problem) throw new Error(problem);
  return { y: Number(s.slice(0, 4)), m: Number(s.slice(5, 7)), d: Number(s.slice(8, 10)) };
}

export function formatYmd({ y, m, d }: Ymd): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Days since 1970-01-01 (UTC arithmetic, so no time zone can shift it). */
export function toDayNumber(s: string): number {
  const { y, m, d } = parseYmd(s);
  return Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
}

export function fromDayNumber(n: number): string {
  const dt = new Date(n * 86_400_000);
  return formatYmd({ y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() });
}

export function addDays(s: string, days: number): string {
  return fromDayNumber(toDayNumber(s) + days);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(s: string): number {
  return (toDayNumber(s) + 4) % 7;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
export function weekdayName(s: string): string {
  return WEEKDAYS[weekday(s)]!;
}

/** "24 October 2019", as a letter gives a date. */
export function longDate(s: string): string {
  const { y, m, d } = parseYmd(s);
  return `${d} ${monthName(m)} ${y}`;
}

/** "04-DEC-2017", as crime systems print dates. */
export function systemDate(s: string): string {
  const { y, m, d } = parseYmd(s);
  return `${String(d).padStart(2, '0')}-${monthName(m).slice(0, 3).toUpperCase()}-${y}`;
}

export function compareDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
