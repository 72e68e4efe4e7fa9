/**
 * The categories of a breakdown come from the spec and the period, not only from the data: a
 * year with no records is a row of zeros, never a missing row.
 */
import type { Bucket, Category } from '../types.js';
import { addDays, daysInMonth, monthName, parseYmd } from '../util/dates.js';

interface Span {
  key: number;
  first: string;
  last: string;
  name: string;
}

const ymd = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const monthEnd = (y: number, m: number) => ymd(y, m, daysInMonth(y, m));

function spanOf(bucket: Bucket, date: string): Span {
  const { y, m } = parseYmd(date);
  switch (bucket) {
    case 'year':
      return { key: y, first: ymd(y, 1, 1), last: ymd(y, 12, 31), name: String(y) };
    case 'financial_year': {
      const start = m >= 4 ? y : y - 1;
      return { key: start, first: ymd(start, 4, 1), last: ymd(start + 1, 3, 31), name: `${start}-${String((start + 1) % 100).padStart(2, '0')}` };
    }
    case 'quarter': {
      const q = Math.floor((m - 1) / 3) + 1;
      return { key: y * 10 + q, first: ymd(y, q * 3 - 2, 1), last: monthEnd(y, q * 3), name: `${y} Q${q}` };
    }
    case 'month':
      return { key: y * 100 + m, first: ymd(y, m, 1), last: monthEnd(y, m), name: `${monthName(m)} ${y}` };
  }
}

/** "January to September", or "15 March to 31 December" when the days matter; with the year if asked. */
export function describeRange(from: string, to: string, withYear = false): string {
  const a = parseYmd(from);
  const b = parseYmd(to);
  const wholeMonths = a.d === 1 && b.d === daysInMonth(b.y, b.m);
  const sameYear = a.y === b.y;
  const start = `${wholeMonths ? '' : `${a.d} `}${monthName(a.m)}${sameYear ? '' : ` ${a.y}`}`;
  const end = `${wholeMonths ? '' : `${b.d} `}${monthName(b.m)}${sameYear && !withYear ? '' : ` ${b.y}`}`;
  if (start === end) return start;
  if (wholeMonths && a.m === b.m && sameYear) return withYear ? `${monthName(a.m)} ${a.y}` : monthName(a.m);
  return `${start} to ${end}`;
}

/** Every bucket that overlaps the period, in order; those only partly inside it say which part. */
export function bucketCategories(bucket: Bucket, from: string, to: string): Category[] {
  const out: Category[] = [];
  let date = from;
  while (date <= to) {
    const span = spanOf(bucket, date);
    const first = span.first < from ? from : span.first;
    const last = span.last > to ? to : span.last;
    const partial = first !== span.first || last !== span.last;
    out.push({
      key: span.key,
      label: partial ? `${span.name} (${describeRange(first, last, bucket === 'financial_year')})` : span.name,
      ...(partial ? { partial: true } : {}),
    });
    date = addDays(span.last, 1);
  }
  return out;
}

/** SQL for a bucket's key, matching `spanOf` keys. */
export function bucketSql(bucket: Bucket, dateExpr: string): string {
  switch (bucket) {
    case 'year':
      return `year(${dateExpr})`;
    case 'financial_year':
      return `(CASE WHEN month(${dateExpr}) >= 4 THEN year(${dateExpr}) ELSE year(${dateExpr}) - 1 END)`;
    case 'quarter':
      return `(year(${dateExpr}) * 10 + quarter(${dateExpr}))`;
    case 'month':
      return `(year(${dateExpr}) * 100 + month(${dateExpr}))`;
  }
}

export const BUCKET_LABEL: Record<Bucket, string> = {
  year: 'Year',
  financial_year: 'Financial year (April to March)',
  quarter: 'Quarter',
  month: 'Month',
};
