/**
 * The annexed spreadsheet: a notes sheet, then one sheet per table. Figures are numbers (not
 * text), labels are text (never formulas, whatever they start with), totals are from the query.
 */
import path from 'node:path';
import type { Request, ResultTable } from '../types.js';
import { effectivePeriod } from '../spec/periods.js';
import { longDate } from '../util/dates.js';

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
import { describeCondition } from './describe.js';
import { totalLabel } from './view.js';

type Worksheet = import('exceljs').Worksheet;
type CellValue = import('exceljs').CellValue;

const TITLE_FONT = { bold: true, size: 13 };
const BOLD = { bold: true };
const HEADER_FILL = { type: 'pattern' as const, pattern: 'solid' as const, fgColor: { argb: 'FFE7E6E6' } };
const NUMBER_FORMAT = '#,##0';
const NOTES_WIDTH = 90;
/** Characters per line of wrapped text in a column NOTES_WIDTH wide (a little under, to be safe). */
const NOTES_WRAP = 80;

/** Printed, a sheet fits the page width. */
function printable(ws: Worksheet, orientation: 'portrait' | 'landscape'): void {
  ws.pageSetup = { orientation, fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 };
}

/**
 * Text stays text: exceljs only writes a formula for { formula } values, so a label from the data
 * such as "=HYPERLINK(…)" is stored as a string cell. Kept in one place so that stays true.
 */
function text(s: string): CellValue {
  return s;
}

function setWidths(ws: Worksheet, widths: number[]): void {
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
}

function tableSheet(ws: Worksheet, t: ResultTable, partialNote: string | undefined): void {
  const crossTab = t.colDimLabel !== undefined;
  const header = crossTab ? [t.rowDimLabel, ...t.cols.map((c) => c.label), totalLabel(t)] : [t.rowDimLabel, t.measureLabel];
  ws.getCell('A1').value = text(t.title);
  ws.getCell('A1').font = TITLE_FONT;
  const h = ws.getRow(2);
  header.forEach((label, i) => {
    const c = h.getCell(i + 1);
    c.value = text(label);
    c.font = BOLD;
    c.fill = HEADER_FILL;
    c.alignment = { wrapText: true, vertical: 'bottom', horizontal: i === 0 ? 'left' : 'right' };
  });
  const body = t.rows.map((r, i) => [r.label, ...(crossTab ? [...t.cells[i]!, t.rowTotals[i]!] : [t.cells[i]![0]!])]);
  const total = [totalLabel(t), ...(crossTab ? [...t.colTotals, t.grandTotal] : [t.grandTotal])];
  [...body, total].forEach((values, ri) => {
    const row = ws.getRow(3 + ri);
    values.forEach((v, ci) => {
      const c = row.getCell(ci + 1);
      c.value = typeof v === 'number' ? v : text(v);
      if (typeof v === 'number') c.numFmt = NUMBER_FORMAT;
      if (ri === body.length) c.font = BOLD;
    });
    if (crossTab) row.getCell(values.length).font = BOLD;
  });
  const notes = [
    t.note,
    t.totalsAreDistinct ? 'The total counts each person once, even if they appear in more than one row or column.' : undefined,
    partialNote,
  ].filter((n): n is string => !!n);
  notes.forEach((n, i) => {
    const c = ws.getCell(3 + body.length + 2 + i, 1);
    c.value = text(n);
    c.font = { italic: true };
  });
  ws.views = [{ state: 'frozen', xSplit: 1, ySplit: 2, topLeftCell: 'B3', activeCell: 'B3' }];
  const labelWidth = Math.min(75, Math.max(12, ...[...body.map((r) => String(r[0]).length), header[0]!.length]) + 2);
  setWidths(ws, [labelWidth, ...header.slice(1).map((l) => Math.min(16, Math.max(10, l.length + 2)))]);
  h.height = header.some((l, i) => i > 0 && l.length > 14) ? 45 : 18;
  printable(ws, header.length > 5 ? 'landscape' : 'portrait');
}

function notesSheet(ws: Worksheet, req: Request, results: ResultTable[]): void {
  const rows: string[][] = [];
  const headings = new Set<number>();
  const heading = (s: string) => headings.add(rows.push([s]) - 1);
  rows.push([`Annex to Freedom of Information response ${req.reference}`]);
  rows.push([]);
  rows.push(['Reference', req.reference]);
  rows.push(['Subject', req.title]);
  rows.push(['Request received', longDate(req.received)]);
  rows.push(['Letter date', longDate(req.letterDate)]);
  rows.push(['Period', `${longDate(req.period.from)} to ${longDate(req.period.to)}`]);
  rows.push([]);
  heading('Sheets');
  for (const t of results) {
    const qs = t.questions.length ? `Question ${t.questions.join(', ')}: ` : '';
    rows.push([t.sheet, `${qs}${t.title}`]);
  }
  rows.push([]);
  heading('Sources');
  for (const s of req.sources) {
    const p = effectivePeriod(s.period, req.period);
    const read = p ? `records by ${s.dateBasis ?? 'date'} from ${longDate(p.from)} to ${longDate(p.to)}` : 'no records (its period is outside the request\'s)';
    // Only the file's own name: the path is where it sits on this machine, not part of the record.
    const extract = s.kind === 'postgres' ? `Table ${s.postgres!.schema}.${s.postgres!.table}` : `Extract ${path.basename(s.file)}`;
    rows.push([s.name, `${s.description ? capitalise(s.description) + '. ' : ''}${extract}: ${read}.`]);
  }
  if (req.sources.length > 1) {
    rows.push(['', 'Each system is read only for the period in which it was the system of record, so that no record is counted twice.']);
  }
  rows.push([]);
  heading('Criteria');
  rows.push(['Period', `${longDate(req.period.from)} to ${longDate(req.period.to)}`]);
  for (const c of describeCondition(req, req.where, ['criteria', 'where'])) rows.push(['', c.charAt(0).toUpperCase() + c.slice(1)]);
  const partial = [...new Set(results.flatMap((t) => [...t.rows, ...t.cols]).filter((c) => c.partial).map((c) => c.label))];
  const distinct = results.some((t) => t.totalsAreDistinct);
  if (partial.length || distinct) {
    rows.push([]);
    heading('Notes');
    for (const p of partial) rows.push(['', `${p} is a part year only.`]);
    if (distinct) rows.push(['', 'Counts of distinct people: the totals count each person once, so they can be less than the sum of the rows.']);
  }

  rows.forEach((values, i) => {
    const row = ws.getRow(i + 1);
    values.forEach((v, j) => {
      const c = row.getCell(j + 1);
      c.value = text(v);
      if (headings.has(i) || (j === 0 && i > 0)) c.font = BOLD;
      if (j === 1) c.alignment = { wrapText: true, vertical: 'top' };
      if (j === 0) c.alignment = { vertical: 'top' };
    });
    // Spreadsheet programs do not all grow a row to fit wrapped text: size it here.
    const lines = Math.max(1, ...values.slice(1).map((v) => Math.ceil(v.length / NOTES_WRAP)));
    if (lines > 1) row.height = 15 * lines;
  });
  ws.getCell('A1').font = TITLE_FONT;
  setWidths(ws, [28, NOTES_WIDTH]);
  printable(ws, 'portrait');
}

/** `date` is written as the workbook's created and modified dates (pinned, for reproducible bytes). */
export async function renderAnnex(req: Request, results: ResultTable[], date: Date): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = req.authority.name;
  wb.lastModifiedBy = req.authority.name;
  wb.created = date;
  wb.modified = date;
  wb.title = `Annex to FOI response ${req.reference}`;
  notesSheet(wb.addWorksheet('Notes'), req, results);
  const partial = results.flatMap((t) => [...t.rows, ...t.cols]).find((c) => c.partial);
  for (const t of results) {
    const usesPartial = [...t.rows, ...t.cols].some((c) => c.partial);
    tableSheet(wb.addWorksheet(t.sheet), t, usesPartial && partial ? `${partial.label} is a part year only.` : undefined);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
