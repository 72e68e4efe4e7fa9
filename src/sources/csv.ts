/** CSV and TSV extracts, read by DuckDB itself with the dialect stated, never guessed. */
import fs from 'node:fs';
import path from 'node:path';
import { FoiError } from '../errors.js';
import type { Db } from '../db/duckdb.js';
import { Params } from '../query/params.js';
import type { SourceDef } from '../types.js';

const HEADER_SCAN_BYTES = 1024 * 1024;

function decode(bytes: Uint8Array, encoding: SourceDef['csv']['encoding'], file: string): string {
  if (encoding === 'windows-1252') return decodeWindows1252(bytes);
  try {
    return new TextDecoder(encoding === 'latin-1' ? 'iso-8859-1' : encoding, { fatal: encoding === 'utf-8', ignoreBOM: false }).decode(bytes);
  } catch {
    throw new FoiError('csv-encoding', `"${file}" is not valid UTF-8 text`, {
      hint: 'if it came from Excel or an older system, say so in the spec: csv: { encoding: windows-1252 }',
      location: { file },
    });
  }
}

/** Splits the start of a CSV into records, honouring quotes (which may hold delimiters and line breaks). */
export function parseCsvRecords(text: string, delimiter: string, quote: string, maxRecords: number): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === quote) {
        if (text[i + 1] === quote) {
          field += quote;
          i++;
        } else inQuotes = false;
      } else field += ch;
    } else if (ch === quote) inQuotes = true;
    else if (ch === delimiter) {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      if (records.length >= maxRecords) return records;
      field = '';
      record = [];
    } else field += ch;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** The column names in the header row. */
export function readCsvHeader(src: SourceDef): string[] {
  const fd = fs.openSync(src.path, 'r');
  let bytes: Buffer;
  try {
    const buf = Buffer.alloc(HEADER_SCAN_BYTES);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    bytes = buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
  if (bytes.includes(0)) {
    throw new FoiError('csv-binary', `"${src.file}" is not a text file, so it cannot be read as CSV`, {
      hint: 'is it a spreadsheet? Give it the .xlsx extension, or export it as CSV',
      location: { file: src.file },
    });
  }
  // Only complete lines: a multi-byte character may be cut at the end of the buffer.
  const cut = bytes.length === HEADER_SCAN_BYTES ? bytes.lastIndexOf(0x0a) + 1 : bytes.length;
  let text = decode(bytes.subarray(0, cut), src.csv.encoding, src.file);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records = parseCsvRecords(text, src.csv.delimiter, src.csv.quote, src.csv.headerRow);
  const header = records[src.csv.headerRow - 1];
  if (!header || header.every((h) => h.trim() === '')) {
    throw new FoiError('csv-no-header', `"${src.file}" has no header on row ${src.csv.headerRow}`, {
      hint: 'set csv.header_row to the row that holds the column names',
      location: { file: src.file },
    });
  }
  return header.map((h) => h.trim());
}

/** Where DuckDB reports a CSV problem: "CSV Error on Line: 3". */
function csvErrorLine(message: string): number | undefined {
  const m = /on Line: (\d+)/i.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** The CSV as a relation with every column as text named c1…cN, so no name from the file becomes SQL. */
export function csvRelation(src: SourceDef, header: string[], p: Params, file?: string): string {
  const columns = `{${header.map((_, i) => `'c${i + 1}': 'VARCHAR'`).join(', ')}}`;
  const quote = p.add(src.csv.quote);
  return (
    `read_csv(${file === undefined ? p.addSource(src.id, src.path) : p.add(file)}, auto_detect = false, header = true, skip = ${p.add(src.csv.headerRow - 1)}, ` +
    `delim = ${p.add(src.csv.delimiter)}, quote = ${quote}, escape = ${quote}, ` +
    `encoding = ${p.add(src.csv.encoding === 'latin-1' ? 'latin-1' : 'utf-8')}, strict_mode = true, null_padding = false, columns = ${columns})`
  );
}

/** DuckDB's complaint about a CSV, as a problem with the file and line where it is. */
export function csvError(src: SourceDef, e: unknown): FoiError {
  const msg = e instanceof Error ? e.message : String(e);
  const line = csvErrorLine(msg);
  const detail = msg.split('\n').find((l) => /Expected Number of Columns|Invalid unicode|unterminated|quote/i.test(l));
  const wrongColumns = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(msg);
  return new FoiError(
    /unicode/i.test(msg) ? 'csv-encoding' : 'csv-malformed',
    wrongColumns
      ? `row has ${wrongColumns[2]} fields where the header has ${wrongColumns[1]}`
      : `cannot be read as CSV: ${(detail ?? msg.split('\n')[0] ?? '').trim()}`,
    {
      hint: /unicode/i.test(msg)
        ? 'the file is not UTF-8; if it came from Excel or an older system, set csv: { encoding: windows-1252 }'
        : 'check the delimiter and quoting (csv.delimiter, csv.quote); a field holding the delimiter must be quoted',
      location: line === undefined ? { file: src.file } : { file: src.file, line: line + src.csv.headerRow - 1 },
    },
  );
}

export function isCsvError(e: unknown): boolean {
  return e instanceof Error && /CSV Error|Invalid unicode|read_csv|CSV file/i.test(e.message);
}

/** Reads the whole CSV once, only to find where it is malformed (used after a query failed). */
export async function checkCsv(db: Db, src: SourceDef, header: string[]): Promise<FoiError | undefined> {
  const p = new Params();
  try {
    await db.all(`SELECT count(*) AS n FROM ${csvRelation(src, header, p)}`, p.values);
    return undefined;
  } catch (e) {
    return csvError(src, e);
  }
}

/** Windows-1252's characters at 0x80–0x9F (the rest is Latin-1); five bytes there are undefined. */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Windows-1252 → text. Done here because DuckDB reads Latin-1 but not Windows-1252 (they differ
 * in 0x80–0x9F: € ‘ ’ “ ”), and Node's own decoder treats the two as the same.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  const chunk = 8192;
  for (let i = 0; i < bytes.length; i += chunk) {
    const part = bytes.subarray(i, i + chunk);
    out += String.fromCharCode(...Array.from(part, (b) => (b >= 0x80 && b <= 0x9f ? CP1252_HIGH.charCodeAt(b - 0x80) : b)));
  }
  return out;
}

/** The file converted to UTF-8, for DuckDB to read. */
export function transcodeWindows1252(src: SourceDef, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `${process.pid}-${path.basename(src.path)}.utf8.csv`);
  fs.writeFileSync(out, decodeWindows1252(fs.readFileSync(src.path)));
  return out;
}
