/**
 * Query results stored beside the outputs, as CSV, so documents can be rebuilt and compared
 * without the data. Every value is quoted text; an empty unquoted field is null. A value that a
 * spreadsheet would take for a formula (= + - @ …) is written with a leading apostrophe, and
 * one leading apostrophe is removed on reading, so any value round-trips exactly.
 */
import type { Row } from '../db/duckdb.js';

export const RESULT_COLUMNS = ['r', 'c', 'gr', 'gc', 'v'] as const;
const GUARDED = /^[=+\-@'\t\r]/;

function field(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return `"${(GUARDED.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
}

export function resultsToCsv(rows: Row[]): string {
  const lines = [RESULT_COLUMNS.join(',')];
  for (const r of rows) lines.push(RESULT_COLUMNS.map((c) => field(r[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

export function csvToResults(text: string): Row[] {
  const records: (string | null)[][] = [];
  let rec: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field in stored results');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            s += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += text[i++];
      }
      rec.push(s.startsWith("'") ? s.slice(1) : s);
    } else {
      let s = '';
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') s += text[i++];
      rec.push(s === '' ? null : s);
    }
    if (text[i] === ',') i++;
    else {
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      records.push(rec);
      rec = [];
    }
  }
  const [header, ...rows] = records;
  if (!header || header.join(',') !== RESULT_COLUMNS.join(',')) throw new Error('stored results have an unexpected header');
  return rows.map((r) => Object.fromEntries(RESULT_COLUMNS.map((c, j) => [c, r[j] ?? null])));
}
