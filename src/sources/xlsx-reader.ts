/**
 * A fast reader for .xlsx worksheets. An .xlsx file is a zip of XML parts: this inflates only the
 * parts one sheet needs (fflate) and scans their XML by hand, several times faster than exceljs
 * building its whole workbook model. Cell values come out as text, exactly as `cellText` in
 * xlsx.ts gives them for exceljs values.
 *
 * The small parts (workbook, relationships, styles, shared strings) are decoded and scanned as
 * strings. The worksheet, which can run to tens of megabytes of XML, is scanned as bytes: decoding
 * it all to a string would cost more than the scan itself, and only text cells need decoding.
 */
import path from 'node:path';
import { unzipSync } from 'fflate';
import { FoiError } from '../errors.js';
import { didYouMean } from '../util/suggest.js';

export interface SheetData {
  header: string[];
  rows: (string | null)[][];
  sheetNames: string[];
}

const WORKBOOK = 'xl/workbook.xml';
const WORKBOOK_RELS = 'xl/_rels/workbook.xml.rels';

function notWorkbook(file: string, cause?: unknown): FoiError {
  return new FoiError('xlsx-not-workbook', `"${file}" is not an Excel workbook (.xlsx)`, {
    hint: 'if it is a CSV or an old .xls file, save it as .xlsx from Excel, or give it as format: csv',
    location: { file },
    cause,
  });
}

/**
 * The most a part of a workbook may inflate to. A sheet of a million rows of ten columns is a few
 * hundred megabytes of XML; a "zip bomb" claims far more, and is refused before anything inflates.
 */
export const MAX_PART_BYTES = 1024 ** 3;

/** Inflates only the zip entries `wanted` accepts. */
function unzip(bytes: Uint8Array, file: string, wanted: (name: string) => boolean): Record<string, Uint8Array> {
  let tooLarge: { name: string; size: number } | undefined;
  let parts: Record<string, Uint8Array>;
  try {
    parts = unzipSync(bytes, {
      filter: (f) => {
        if (!wanted(f.name)) return false;
        if (f.originalSize > MAX_PART_BYTES) {
          tooLarge ??= { name: f.name, size: f.originalSize };
          return false;
        }
        return true;
      },
    });
  } catch (e) {
    throw notWorkbook(file, e);
  }
  if (tooLarge) {
    throw new FoiError('xlsx-too-large', `"${file}" holds a part (${tooLarge.name}) that would take ${(tooLarge.size / 1024 ** 3).toFixed(1)} GB once unpacked; the limit is ${MAX_PART_BYTES / 1024 ** 3} GB`, {
      hint: 'export the extract as CSV instead (it is read without unpacking), or check the file is the one you meant',
      location: { file },
    });
  }
  return parts;
}

const utf8 = new TextDecoder();
const text = (b: Uint8Array, from = 0, to = b.length) => utf8.decode(b.subarray(from, to));

// ---- XML as strings (the small parts) -----------------------------------------------------------

/** The attribute text of every `<name …>` start tag, in document order (quote-aware, so `>` may appear in values). */
function tags(xml: string, name: string): string[] {
  const re = new RegExp(`<${name}(?=[\\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>`, 'g');
  return Array.from(xml.matchAll(re), (m) => m[1]!);
}

const attrRes = new Map<string, RegExp>();

/** An attribute's decoded value; `name` is a regex fragment (so `[\w.-]+:id` finds r:id under any prefix). */
function attr(tag: string, name: string): string | undefined {
  let re = attrRes.get(name);
  if (!re) attrRes.set(name, (re = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`)));
  const m = re.exec(tag);
  return m ? decode(m[1] ?? m[2]!) : undefined;
}

const ENTITY = /&(?:#(\d+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Text content as an XML parser gives it: line ends normalised to \n, entities decoded. */
function decode(s: string): string {
  if (s.includes('\r')) s = s.replace(/\r\n?/g, '\n');
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (all, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (name) return NAMED[name]!;
    const cp = Number.parseInt(dec ?? hex!, dec ? 10 : 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
  });
}

const T = /<t(?:\s[^>]*)?>([^<]*)<\/t>/g;
const PHONETIC = /<rPh(?=[\s>])[\s\S]*?<\/rPh>/g;

/** A string item's text: XML-decoded, and Excel's `_xHHHH_` escapes (for characters XML cannot hold) undone. */
function itemText(s: string): string {
  s = decode(s);
  return s.includes('_x') ? s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))) : s;
}

/** The text of a string item (`<si>` or `<is>`): its `<t>`s (rich-text runs) joined, leaving out phonetic guides (`<rPh>`). */
function stringItem(xml: string): string {
  let s = '';
  for (const m of xml.replace(PHONETIC, '').matchAll(T)) s += m[1]!;
  return itemText(s);
}

function sharedStrings(xml: string | undefined): string[] {
  const out: string[] = [];
  if (xml === undefined) return out;
  for (let i = xml.indexOf('<si'); i >= 0; i = xml.indexOf('<si', i + 1)) {
    const gt = xml.indexOf('>', i);
    if (xml[gt - 1] === '/') {
      out.push(''); // <si/>
      continue;
    }
    const close = xml.indexOf('</si>', gt);
    if (close < 0) break;
    // Most items are one plain <t>…</t>: read it in place.
    const plain = xml.startsWith('<t>', gt + 1) && xml.indexOf('<', gt + 4) === close - 4;
    out.push(plain ? itemText(xml.slice(gt + 4, close - 4)) : stringItem(xml.slice(gt + 1, close)));
    i = close;
  }
  return out;
}

// ---- Dates --------------------------------------------------------------------------------------

/** Excel's built-in number formats that show dates or times (the locale-dependent ones included). */
function builtInDate(id: number): boolean {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

/**
 * Whether a format code shows a date or time: any d, m, y, h or s left once quoted text, escaped
 * characters (\x), padding and fill (_x, *x) and bracketed sections ([Red], [$-409]) are removed.
 * Elapsed-time brackets ([h], [mm], [ss]) are kept: durations read as date-times too.
 */
function isDateFormat(code: string): boolean {
  return /[dmyhs]/i.test(code.replace(/"[^"]*"|\\.|[_*].|\[(?![hms]+\])[^\]]*\]/gi, ''));
}

/** For each cell style (a cell's `s` indexes cellXfs): does it show numbers as dates? */
function dateStyles(xml: string | undefined): boolean[] {
  if (xml === undefined) return [];
  const custom = new Map(tags(xml, 'numFmt').map((t) => [Number(attr(t, 'numFmtId')), attr(t, 'formatCode') ?? '']));
  const cellXfs = /<cellXfs(?=[\s>])[\s\S]*?<\/cellXfs>/.exec(xml)?.[0] ?? '';
  return tags(cellXfs, 'xf').map((t) => {
    const id = Number(attr(t, 'numFmtId') ?? 0);
    const code = custom.get(id);
    return code === undefined ? builtInDate(id) : isDateFormat(code);
  });
}

/** The character code of the digit of `n` in the given place (1, 10, 100, …). */
const digit = (n: number, place: number) => 48 + (Math.floor(n / place) % 10);

/**
 * An Excel date serial as the wall-clock date-time Excel shows, to the nearest second. Serials count
 * days from 1899-12-30 (1900 system, right from 1900-03-01 on, since Excel counts a 1900-02-29 that
 * never was; earlier serials come out a day early, as exceljs has them) or from 1904-01-01. A serial
 * beyond year 9999 (or before year 0), which Excel cannot show as a date, stays a number.
 */
function excelDate(serial: number, date1904: boolean): string | null {
  if (!Number.isFinite(serial)) return null;
  const secs = Math.round((serial + (date1904 ? 1462 : 0)) * 86400);
  const days = Math.floor(secs / 86400);
  const t = secs - days * 86400;
  // Days since 1899-12-30 to a proleptic Gregorian date (Howard Hinnant's civil_from_days).
  const z = days - 25569 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) return String(serial);
  const h = Math.floor(t / 3600);
  const m = Math.floor(t / 60) % 60;
  const sec = t % 60;
  // One flat string: concatenation would leave each date a tree of string pieces for the GC to trace.
  return String.fromCharCode(
    digit(year, 1000), digit(year, 100), digit(year, 10), digit(year, 1), 45, // YYYY-
    digit(month, 10), digit(month, 1), 45, digit(day, 10), digit(day, 1), 84, // MM-DDT
    digit(h, 10), digit(h, 1), 58, digit(m, 10), digit(m, 1), 58, digit(sec, 10), digit(sec, 1), // hh:mm:ss
  );
}

// ---- The workbook -------------------------------------------------------------------------------

interface Book {
  /** Worksheets in workbook order, each with the zip path of its XML part. */
  sheets: { name: string; part: string }[];
  sharedStrings?: string;
  styles?: string;
  date1904: boolean;
}

function openBook(bytes: Uint8Array, file: string): Book {
  const parts = unzip(bytes, file, (n) => n === WORKBOOK || n === WORKBOOK_RELS);
  if (!parts[WORKBOOK] || !parts[WORKBOOK_RELS]) throw notWorkbook(file);
  const wb = text(parts[WORKBOOK]);

  // Relationship id → [type, part]. The type's last segment is the same in transitional and strict OOXML.
  const rels = new Map<string, [string, string]>();
  for (const t of tags(text(parts[WORKBOOK_RELS]), 'Relationship')) {
    const type = attr(t, 'Type') ?? '';
    const target = attr(t, 'Target') ?? '';
    const part = target.startsWith('/') ? target.slice(1) : path.posix.join('xl', target);
    rels.set(attr(t, 'Id') ?? '', [type.slice(type.lastIndexOf('/') + 1), part]);
  }
  const partOf = (type: string) => [...rels.values()].find(([t]) => t === type)?.[1];

  const sheets: Book['sheets'] = [];
  for (const t of tags(wb, 'sheet')) {
    const rel = rels.get(attr(t, '[\\w.-]+:id') ?? '');
    // Chart sheets hold no cells (exceljs leaves them out too).
    if (rel?.[0] === 'worksheet') sheets.push({ name: attr(t, 'name') ?? '', part: rel[1] });
  }
  const pr = tags(wb, 'workbookPr')[0];
  const date1904 = pr !== undefined && ['1', 'true'].includes(attr(pr, 'date1904') ?? '');
  return { sheets, sharedStrings: partOf('sharedStrings'), styles: partOf('styles'), date1904 };
}

export function listSheets(bytes: Uint8Array, file: string): string[] {
  return openBook(bytes, file).sheets.map((s) => s.name);
}

// ---- The worksheet, as bytes --------------------------------------------------------------------

const [SPACE, DQ, SQ, SLASH, LT, EQ, GT] = [32, 34, 39, 47, 60, 61, 62];
// Whitespace in a tag is tab, LF, CR or space: the bytes `<= SPACE` (no other control character is valid XML).
/** Whether `c` can follow an element's name in a last. */
const endsName = (c: number | undefined) => c! <= SPACE || c === GT || c === SLASH;

const ascii = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
const SHEET_DATA = ascii('<sheetData');
const SHEET_DATA_END = ascii('</sheetData>');
const IS_END = ascii('</is>');

/** The index of `pat` in b[from, to), or -1. */
function find(b: Uint8Array, pat: Uint8Array, from: number, to: number): number {
  const first = pat[0];
  outer: for (let i = from, last = to - pat.length; i <= last; i++) {
    if (b[i] !== first) continue;
    for (let k = 1; k < pat.length; k++) if (b[i + k] !== pat[k]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Where the r, s and t attribute values of the tag `readTag` last read lie, and the contents of the
 * `<v>` and `<is>` of the cell `readContent` last read (-1: absent). One object, reused: reading a
 * cell allocates nothing, which matters with hundreds of thousands of them.
 */
const last = { r: -1, rEnd: -1, s: -1, sEnd: -1, t: -1, tEnd: -1, selfClosing: false, v: -1, vEnd: -1, is: -1, isEnd: -1 };

/** Reads a start tag's attributes from `i` (just after its name); returns the index of its '>', or -1. */
function readTag(b: Uint8Array, i: number): number {
  last.r = last.s = last.t = -1;
  for (;;) {
    while (b[i]! <= SPACE) i++;
    const c = b[i];
    if (c === GT || (c === SLASH && b[i + 1] === GT)) {
      last.selfClosing = c === SLASH;
      return c === GT ? i : i + 1;
    }
    const name = i;
    while (b[i]! > SPACE && b[i] !== EQ && b[i] !== GT) i++;
    const nameLength = i - name;
    while (b[i]! <= SPACE) i++;
    if (b[i] !== EQ || nameLength === 0) return -1;
    i++;
    while (b[i]! <= SPACE) i++;
    const quote = b[i];
    if (quote !== DQ && quote !== SQ) return -1;
    const value = ++i;
    while (i < b.length && b[i] !== quote) i++;
    if (i === b.length) return -1;
    if (nameLength === 1 && c === 114) {
      last.r = value;
      last.rEnd = i;
    } else if (nameLength === 1 && c === 115) {
      last.s = value;
      last.sEnd = i;
    } else if (nameLength === 1 && c === 116) {
      last.t = value;
      last.tEnd = i;
    }
    i++;
  }
}

/**
 * Reads a cell's content from `i` (just after its start tag) in one pass: finds its `<v>` (the
 * value, or a formula's cached result) and `<is>` (an inline string). Returns the index of `</c>`, or -1.
 */
function readContent(b: Uint8Array, i: number): number {
  last.v = last.is = -1;
  for (; i < b.length; i++) {
    if (b[i] !== LT) continue;
    const c = b[i + 1];
    if (c === SLASH && b[i + 2] === 99 && b[i + 3] === GT) return i;
    if (c === 118 && endsName(b[i + 2])) {
      while (i < b.length && b[i] !== GT) i++;
      if (b[i - 1] === SLASH) continue; // <v/>
      last.v = i + 1;
      while (i < b.length && b[i + 1] !== LT) i++;
      last.vEnd = i + 1;
    } else if (c === 105 && b[i + 2] === 115 && endsName(b[i + 3])) {
      const end = find(b, IS_END, i, b.length);
      if (end < 0) return -1;
      last.is = b.indexOf(GT, i) + 1;
      last.isEnd = end;
      i = end;
    }
  }
  return -1;
}

/** The decimal digits at `from` as a number (NaN if there are none). */
function intAt(b: Uint8Array, from: number, to: number): number {
  let n = 0;
  let i = from;
  for (; i < to; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  return i === from ? NaN : n;
}

/** The column of a cell reference: "AB12" → 28. */
function columnAt(b: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = b[i]! - 64;
    if (d < 1 || d > 26) break;
    n = n * 26 + d;
  }
  return n;
}

interface Row {
  n: number;
  /** Indexed by column - 1; holes are empty cells. */
  cells: (string | null)[];
}

/**
 * The rows numbered `first` or later, in row order. A `<row>` or `<c>` without an `r` attribute
 * follows the one before it. `cellValue` reads the cell `last` describes.
 */
function sheetRows(b: Uint8Array, first: number, cellValue: () => string | null, file: string): Row[] {
  const rows: Row[] = [];
  const start = find(b, SHEET_DATA, 0, b.length);
  if (start < 0) return rows;
  const open = readTag(b, start + SHEET_DATA.length);
  if (open < 0) throw notWorkbook(file);
  if (last.selfClosing) return rows;

  let row: Row | undefined; // the current row, when it is one we keep
  let n = 0;
  let col = 0;
  for (let i = open + 1; i < b.length; i++) {
    if (b[i] !== LT) continue;
    const c = b[i + 1];
    if (c === SLASH && find(b, SHEET_DATA_END, i, i + SHEET_DATA_END.length) === i) break;
    const isCell = c === 99 && endsName(b[i + 2]);
    const isRow = c === 114 && b[i + 2] === 111 && b[i + 3] === 119 && endsName(b[i + 4]);
    if (!isCell && !isRow) continue; // </row> and the like
    const gt = readTag(b, i + (isCell ? 2 : 4));
    if (gt < 0) throw notWorkbook(file);
    i = gt;
    if (isRow) {
      n = last.r >= 0 ? intAt(b, last.r, last.rEnd) : n + 1;
      col = 0;
      row = n >= first ? { n, cells: [] } : undefined;
      if (row) rows.push(row);
      continue;
    }
    col = last.r >= 0 ? columnAt(b, last.r, last.rEnd) : col + 1;
    if (last.selfClosing) continue; // styled but empty
    const close = readContent(b, gt + 1);
    if (close < 0) throw notWorkbook(file);
    if (row) row.cells[col - 1] = cellValue();
    i = close + 3;
  }
  // Excel writes rows in order; sort in case some other writer did not.
  if (rows.some((x, k) => k > 0 && x.n < rows[k - 1]!.n)) rows.sort((x, y) => x.n - y.n);
  return rows;
}

export function readXlsxSheet(bytes: Uint8Array, opts: { sheet?: string; headerRow: number; file: string }): SheetData {
  const { file, headerRow } = opts;
  const book = openBook(bytes, file);
  const sheetNames = book.sheets.map((s) => s.name);
  const sheet = opts.sheet === undefined ? book.sheets[0] : book.sheets.find((s) => s.name === opts.sheet);
  if (!sheet) {
    throw new FoiError(
      'xlsx-sheet-missing',
      opts.sheet === undefined ? `"${file}" has no worksheets` : `"${file}" has no sheet "${opts.sheet}"`,
      {
        hint: didYouMean(opts.sheet ?? '', sheetNames) ?? (sheetNames.length > 0 ? `its sheets: ${sheetNames.join(', ')}` : undefined),
        location: { file },
      },
    );
  }

  const wanted = new Set([sheet.part, book.sharedStrings, book.styles]);
  const parts = unzip(bytes, file, (n) => wanted.has(n));
  const b = parts[sheet.part];
  if (!b) throw notWorkbook(file);
  const partText = (part: string | undefined) => (part && parts[part] ? text(parts[part]) : undefined);
  const strings = sharedStrings(partText(book.sharedStrings));
  const dates = dateStyles(partText(book.styles));

  const cellValue = (): string | null => {
    // Types are one letter but for "str" and "inlineStr"; String.fromCharCode of one byte allocates nothing.
    const type = last.t < 0 ? '' : last.tEnd - last.t === 1 ? String.fromCharCode(b[last.t]!) : text(b, last.t, last.tEnd);
    if (type === 'inlineStr') return last.is < 0 ? null : stringItem(text(b, last.is, last.isEnd)) || null;
    // A formula never calculated has no <v>.
    const { v, vEnd } = last;
    if (v < 0 || vEnd === v) return null;
    switch (type) {
      case 's':
        return strings[intAt(b, v, vEnd)] || null;
      case 'b':
        return String(Number.parseInt(text(b, v, vEnd), 10) !== 0);
      case 'str': // a formula's text result
      case 'e': // an error: #N/A, #DIV/0!, …
      case 'd': // an ISO 8601 date, kept as written
        return decode(text(b, v, vEnd)) || null;
      default: {
        const num = Number(text(b, v, vEnd));
        return dates[last.s < 0 ? 0 : intAt(b, last.s, last.sEnd)] ? excelDate(num, book.date1904) : String(num);
      }
    }
  };

  const rows = sheetRows(b, headerRow, cellValue, file);
  const headerCells = rows.find((r) => r.n === headerRow)?.cells ?? [];
  const header = Array.from(headerCells, (c) => (c ?? '').trim());
  while (header.length > 0 && header[header.length - 1] === '') header.pop();
  if (header.length === 0) {
    throw new FoiError('xlsx-no-header', `sheet "${sheet.name}" of "${file}" has nothing on row ${headerRow}, where the header should be`, {
      hint: 'set xlsx.header_row to the row that holds the column names',
      location: { file },
    });
  }

  // Each data row's array is reused, cut or padded to the header's width (fewer objects to collect).
  const out: (string | null)[][] = [];
  for (const { n, cells } of rows) {
    if (n <= headerRow) continue;
    let any = false;
    for (let c = 0; c < header.length; c++) {
      const v = cells[c] ?? null;
      cells[c] = v;
      if (v !== null) any = true;
    }
    cells.length = header.length;
    if (any) out.push(cells);
  }
  return { header, rows: out, sheetNames };
}
