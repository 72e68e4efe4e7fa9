/** Periods as they apply: a source is read for the part of its system-of-record period the request asks about. */
import type { PeriodT, SourcePeriodT } from './schema.js';

/** The days a source is read for: its own period clipped to the request's (undefined if they do not meet). */
export function effectivePeriod(source: SourcePeriodT, request: PeriodT): PeriodT | undefined {
  const from = source.from !== undefined && source.from > request.from ? source.from : request.from;
  const to = source.to !== undefined && source.to < request.to ? source.to : request.to;
  return from <= to ? { from, to } : undefined;
}
