/** CSV and TSV extracts, read by DuckDB itself with the dialect stated, never guessed. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FoiError } from '../errors.js';
import type { Db } from '../db/duckdb.js';
import { ident } from '../db/duckdb.js';
import type { SourceDef } from '../types.js';

const HEADER_SCAN_BYTES = 1024 * 1024;

function decode(bytes: Uint8Array, encoding: SourceDef['csv']['encoding'], file: string): string {
  const label = encoding === 'latin-1' ? 'iso-8859-1' : encoding;
  try {
    return new TextDecoder(label, { fatal: encoding === 'utf-8', ignoreBOM: false }).decode(bytes);
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

/**
 * Loads the CSV into `table`, every column as text named c1…cN (so no name from the file ever
 * becomes SQL). Ragged rows and bad bytes are errors, not silently dropped rows.
 */
export async function ingestCsv(db: Db, src: SourceDef, table: string, header: string[]): Promise<void> {
  let file = src.path;
  let tmp: string | undefined;
  if (src.csv.encoding === 'windows-1252') {
    // DuckDB knows Latin-1 but not Windows-1252 (which differs in 0x80–0x9F: € ‘ ’ “ ”): convert first.
    tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'foi-')), 'utf8.csv');
    fs.writeFileSync(tmp, new TextDecoder('windows-1252').decode(fs.readFileSync(src.path)));
    file = tmp;
  }
  const columns = `{${header.map((_, i) => `'c${i + 1}': 'VARCHAR'`).join(', ')}}`;
  const sql =
    `CREATE TABLE ${ident(table)} AS SELECT * FROM read_csv($1, auto_detect = false, header = true, ` +
    `skip = $2, delim = $3, quote = $4, escape = $4, encoding = $5, strict_mode = true, ` +
    `null_padding = false, columns = ${columns})`;
  const encoding = src.csv.encoding === 'latin-1' ? 'latin-1' : 'utf-8';
  try {
    await db.run(sql, [file, src.csv.headerRow - 1, src.csv.delimiter, src.csv.quote, encoding]);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const line = csvErrorLine(msg);
    const detail = msg.split('\n').find((l) => /Expected Number of Columns|Invalid unicode|unterminated|quote/i.test(l));
    const wrongColumns = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(msg);
    throw new FoiError(
      /unicode/i.test(msg) ? 'csv-encoding' : 'csv-malformed',
      wrongColumns
        ? `row has ${wrongColumns[2]} fields where the header has ${wrongColumns[1]}`
        : `cannot be read as CSV: ${(detail ?? msg.split('\n')[0] ?? '').trim()}`,
      {
        hint: /unicode/i.test(msg)
          ? 'the file is not UTF-8; if it came from Excel or an older system, set csv: { encoding: windows-1252 }'
          : 'check the delimiter and quoting (csv.delimiter, csv.quote); a field holding the delimiter must be quoted',
        location: line === undefined ? { file: src.file } : { file: src.file, line },
      },
    );
  } finally {
    if (tmp) fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
  }
}
