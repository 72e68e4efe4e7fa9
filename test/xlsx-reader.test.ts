/** The fast .xlsx reader: the same text as the exceljs-based reader, cell for cell, and clear errors. */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { FoiError } from '../src/errors.js';
import { readXlsx } from './helpers/exceljs-oracle.js';
import { listSheets, readXlsxSheet } from '../src/sources/xlsx-reader.js';
import type { SourceDef } from '../src/types.js';
import { ROOT, tmpDir } from './helpers/tmp.js';

const EXAMPLE = path.join(ROOT, 'requests/20192133/connect_extract.xlsx');

/** Only the fields readXlsx uses, the way src/spec/normalise.ts fills them. */
function source(file: string, sheet: string | undefined, headerRow: number): SourceDef {
  return {
    id: 'main',
    name: 'Main',
    file: path.basename(file),
    path: file,
    format: 'xlsx',
    csv: { delimiter: ',', quote: '"', headerRow: 1, encoding: 'utf-8' },
    xlsx: { sheet, headerRow },
    period: {},
    columns: {},
  };
}

/** What the exceljs-based reader makes of the same bytes. */
async function viaExceljs(bytes: Uint8Array, sheet?: string, headerRow = 1) {
  const file = path.join(tmpDir('foi-xlsx-'), 'book.xlsx');
  fs.writeFileSync(file, bytes);
  return readXlsx(source(file, sheet, headerRow));
}

async function written(wb: ExcelJS.Workbook): Promise<Uint8Array> {
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

function foiError(fn: () => unknown): FoiError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FoiError);
    return e as FoiError;
  }
  throw new Error('expected a FoiError');
}

describe('the example extract', () => {
  const bytes = fs.readFileSync(EXAMPLE);

  it('reads exactly what exceljs reads: header and every row', async () => {
    const fast = readXlsxSheet(bytes, { sheet: 'Crimes', headerRow: 4, file: 'connect_extract.xlsx' });
    const slow = await viaExceljs(bytes, 'Crimes', 4);
    expect(fast.header).toEqual(slow.header);
    expect(fast.rows.length).toBe(slow.rows.length);
    expect(fast.rows).toEqual(slow.rows);
    expect(fast.sheetNames).toEqual(['Crimes', 'Notes']);
    expect(fast.header[1]).toBe('incident_created_at');
    expect(fast.rows[0]).toEqual([
      'CON-2014-0000001',
      '2014-12-05T00:51:38',
      '8L',
      'Harassment',
      'No',
      'Outcome 21 - Further investigation to support formal action not in the public interest',
      'P100232',
      'S287565',
      'Y',
      'CMS/14/005432',
    ]);
  });

  it('lists its sheets, and reads the first one when none is named', () => {
    expect(listSheets(bytes, 'connect_extract.xlsx')).toEqual(['Crimes', 'Notes']);
    expect(readXlsxSheet(bytes, { headerRow: 4, file: 'connect_extract.xlsx' }).rows.length).toBe(27703);
  });
});

/** One value per row, labelled by its kind, with the number format it is written with. */
const KINDS: [kind: string, value: ExcelJS.CellValue, numFmt?: string][] = [
  ['date, built-in format (14)', new Date(Date.UTC(2019, 2, 15))],
  ['date dd/mm/yyyy', new Date(Date.UTC(2019, 2, 15)), 'dd/mm/yyyy'],
  ['date-time yyyy-mm-dd hh:mm:ss', new Date(Date.UTC(2019, 2, 15, 13, 45, 30)), 'yyyy-mm-dd hh:mm:ss'],
  ['date [$-409]d-mmm-yy;@', new Date(Date.UTC(2019, 11, 31, 23, 59, 59)), '[$-409]d-mmm-yy;@'],
  ['time of day hh:mm', 0.5, 'hh:mm'],
  ['elapsed [h]:mm', 1.5, '[h]:mm'],
  ['number 0.00', 1234.5, '0.00'],
  ['pounds £#,##0', 1234, '£#,##0'],
  ['quoted "days"', 3, '0 "days"'],
  ['colour [Red]0.00', -2.25, '[Red]0.00'],
  ['percentage', 0.25, '0%'],
  ['scientific', 1e21, '0.00E+00'],
  ['general number', 42, undefined],
  ['plain text', 'hello', undefined],
  ['rich text', { richText: [{ text: 'bold', font: { bold: true } }, { text: ' and plain' }] }, undefined],
  ['true', true, undefined],
  ['false', false, undefined],
  ['error', { error: '#N/A' }, undefined],
  ['formula, cached number', { formula: '2*21', result: 42 }, undefined],
  ['formula, cached text', { formula: '"a"&"b"', result: 'ab' }, undefined],
  ['formula, cached date', { formula: 'DATE(2019,1,2)', result: new Date(Date.UTC(2019, 0, 2)) }, 'dd/mm/yyyy'],
  ['formula, never calculated', { formula: 'NOW()' }, undefined],
  ['text that looks like a date', '15/03/2019', undefined],
  ['unicode', '£ é 𝄞', undefined],
  ['XML specials', `<a> & "b" 'c'`, undefined],
  ['spaces kept', '  padded  ', undefined],
];

function addKinds(wb: ExcelJS.Workbook): void {
  const ws = wb.addWorksheet('Kinds');
  ws.addRow(['kind', 'value', '', 'note']); // an empty header cell between two named ones
  for (const [kind, value, numFmt] of KINDS) {
    const row = ws.addRow([kind, value]);
    if (numFmt) row.getCell(2).numFmt = numFmt;
  }
  ws.addRow([]);
  ws.addRow(['sparse', null, null, 'only A and D']);
  ws.addRow([]).getCell(2).numFmt = '0.00'; // a styled but empty cell: <c … s="…"/>
  ws.addRow([null, null, null, 'only D']);
}

/** The kinds workbook, its text as shared strings or written into the cells. */
async function kindsWorkbook(strings: 'shared' | 'inline'): Promise<Uint8Array> {
  if (strings === 'shared') {
    const wb = new ExcelJS.Workbook();
    addKinds(wb);
    return written(wb);
  }
  // Only exceljs's streaming writer honours useSharedStrings: false.
  const file = path.join(tmpDir('foi-xlsx-'), 'inline.xlsx');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: true });
  addKinds(wb);
  await wb.commit();
  return fs.readFileSync(file);
}

const sheetXml = (bytes: Uint8Array) => strFromU8(unzipSync(bytes)['xl/worksheets/sheet1.xml']!);

describe('workbooks written by exceljs', () => {
  it.each(['shared', 'inline'] as const)('every kind of value reads as exceljs reads it (%s strings)', async (strings) => {
    const bytes = await kindsWorkbook(strings);
    // The XML shapes this case is meant to cover.
    const xml = sheetXml(bytes);
    const shapes = strings === 'shared' ? [/ t="s"/, /<c r="B\d+" s="\d+"\/>/] : [/ t="str"/, / t="inlineStr"/];
    for (const shape of [...shapes, / t="b"/, / t="e"/, /<f>NOW\(\)<\/f><\/c>/]) expect(xml).toMatch(shape);
    const fast = readXlsxSheet(bytes, { headerRow: 1, file: 'kinds.xlsx' });
    expect(fast).toEqual({ ...(await viaExceljs(bytes)), sheetNames: ['Kinds'] });

    expect(fast.header).toEqual(['kind', 'value', '', 'note']);
    expect(Object.fromEntries(fast.rows.slice(0, KINDS.length).map((r) => [r[0], r[1]]))).toEqual({
      'date, built-in format (14)': '2019-03-15T00:00:00',
      'date dd/mm/yyyy': '2019-03-15T00:00:00',
      'date-time yyyy-mm-dd hh:mm:ss': '2019-03-15T13:45:30',
      'date [$-409]d-mmm-yy;@': '2019-12-31T23:59:59',
      'time of day hh:mm': '1899-12-30T12:00:00',
      'elapsed [h]:mm': '1899-12-31T12:00:00',
      'number 0.00': '1234.5',
      'pounds £#,##0': '1234',
      'quoted "days"': '3',
      'colour [Red]0.00': '-2.25',
      percentage: '0.25',
      scientific: '1e+21',
      'general number': '42',
      'plain text': 'hello',
      'rich text': 'bold and plain',
      true: 'true',
      false: 'false',
      error: '#N/A',
      'formula, cached number': '42',
      'formula, cached text': 'ab',
      'formula, cached date': '2019-01-02T00:00:00',
      'formula, never calculated': null,
      'text that looks like a date': '15/03/2019',
      unicode: '£ é 𝄞',
      'XML specials': `<a> & "b" 'c'`,
      'spaces kept': '  padded  ',
    });
    // Empty rows are skipped; sparse rows keep their columns.
    expect(fast.rows.slice(-2)).toEqual([
      ['sparse', null, null, 'only A and D'],
      [null, null, null, 'only D'],
    ]);
    expect(fast.rows.length).toBe(KINDS.length + 2);
  });

  it('reads dates in the 1904 date system', async () => {
    const wb = new ExcelJS.Workbook();
    wb.properties.date1904 = true;
    const ws = wb.addWorksheet('Mac');
    ws.addRow(['when', 'n']);
    ws.addRow([new Date(Date.UTC(2019, 2, 15, 8, 30)), 1]);
    ws.addRow([new Date(Date.UTC(1904, 0, 1)), 2]);
    const bytes = await written(wb);
    const fast = readXlsxSheet(bytes, { headerRow: 1, file: 'mac.xlsx' });
    expect(fast.rows).toEqual([
      ['2019-03-15T08:30:00', '1'],
      ['1904-01-01T00:00:00', '2'],
    ]);
    expect(fast.rows).toEqual((await viaExceljs(bytes)).rows);
  });

  it('reads serials before March 1900 as exceljs does', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Old');
    ws.addRow(['serial', 'date']);
    for (const serial of [1, 59, 60, 61, 43539.75]) ws.addRow([serial, serial]).getCell(2).numFmt = 'yyyy-mm-dd';
    const bytes = await written(wb);
    const fast = readXlsxSheet(bytes, { headerRow: 1, file: 'old.xlsx' });
    expect(fast.rows).toEqual((await viaExceljs(bytes)).rows);
    // Excel shows 61 as 1900-03-01; below that it counts a 1900-02-29 that never was.
    expect(fast.rows.map((r) => r[1])).toEqual([
      '1899-12-31T00:00:00',
      '1900-02-27T00:00:00',
      '1900-02-28T00:00:00',
      '1900-03-01T00:00:00',
      '2019-03-15T18:00:00',
    ]);
  });

  it('differs from exceljs on purpose: rounds to the nearest second, keeps serials past 9999 as numbers', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Times');
    ws.addRow(['when']);
    ws.addRow([43539.5 + 0.6 / 86400]).getCell(1).numFmt = 'yyyy-mm-dd hh:mm:ss'; // 12:00:00.6
    ws.addRow([3e6]).getCell(1).numFmt = 'yyyy-mm-dd'; // Excel shows ########
    const bytes = await written(wb);
    expect(readXlsxSheet(bytes, { headerRow: 1, file: 'times.xlsx' }).rows).toEqual([['2019-03-15T12:00:01'], ['3000000']]);
    expect((await viaExceljs(bytes)).rows).toEqual([['2019-03-15T12:00:00'], ['10113-09-19T00:00:00']]);
  });
});

/** A workbook assembled part by part, for the XML shapes exceljs never writes. */
function handMade(parts: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(parts).map(([name, xml]) => [name, strToU8(xml)])));
}

const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

describe('XML shapes other writers produce', () => {
  const bytes = handMade({
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns:rel="${REL}"><workbookPr date1904="true"/>
  <sheets><sheet rel:id="rId9" name="R&amp;D" sheetId="3"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `<Relationships>
  <Relationship Target="/xl/worksheets/data.xml" Id="rId9" Type="${REL}/worksheet"/>
  <Relationship Id="rId2" Type="${REL}/sharedStrings" Target="strings.xml"/>
  <Relationship Id='rId3' Type='${REL}/styles' Target='styles.xml'/>
</Relationships>`,
    'xl/styles.xml': `<styleSheet>
  <numFmts><numFmt formatCode="&quot;Day&quot; 0" numFmtId="165"/><numFmt numFmtId="166" formatCode="d/m/yyyy\\ h:mm"/></numFmts>
  <cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>
  <cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="165"/><xf applyAlignment="1" numFmtId="166"><alignment wrapText="1"/></xf><xf numFmtId="14"/></cellXfs>
</styleSheet>`,
    'xl/strings.xml': `<sst>
  <si><t>name</t></si>
  <si><t xml:space="preserve"> when </t></si>
  <si><r><rPr><b/><vertAlign val="superscript"/></rPr><t>Ri</t></r><r><t>ch</t></r><rPh sb="0" eb="1"><t>PHONETIC</t></rPh></si>
  <si><t>line_x000D_&#10;break &#x1D11E; &amp;c</t></si>
  <si/>
  <si><t>value</t></si>
</sst>`,
    'xl/worksheets/data.xml': `<worksheet><sheetData>
  <row r="2"><c t="s" r="A2"><v>0</v></c><c r='B2' t='s'><v>1</v></c><c r="C2" t="s"><v>5</v></c></row>
  <row r="3" spans="1:3">
    <c r="A3" t="s"><v>2</v></c>
    <c s="3"><v>0</v></c>
    <c s="1"><v>7</v></c>
  </row>
  <row r="4"/>
  <row><c r="A5" t="inlineStr"><is><t>inline</t></is></c><c r="C5" s="2"><f>NOW()</f><v>1.5</v></c></row>
  <row r="6"><c r="A6" t="s"><v>3</v></c><c r="B6" t="str"><f>"a &lt; b"</f><v>a &lt; b</v></c><c r="C6" t="s"><v>4</v></c></row>
  <row r="7"><c r="A7" s="1"/><c r="B7"><f>1/0</f></c></row>
  <row r="8"><c r="A8" t="d"><v>2019-03-15T10:00:00</v></c></row>
</sheetData></worksheet>`,
  });

  it('follows r attributes (or their absence), attribute order, quotes, whitespace and self-closing tags', () => {
    expect(readXlsxSheet(bytes, { headerRow: 2, file: 'hand.xlsx' })).toEqual({
      header: ['name', 'when', 'value'],
      rows: [
        // B3 and C3 have no r: they follow A3. "Day" is quoted text, not a day.
        ['Rich', '1904-01-01T00:00:00', '7'],
        // Row 5 has no r: it follows row 4.
        ['inline', null, '1904-01-02T12:00:00'],
        ['line\r\nbreak 𝄞 &c', 'a < b', null],
        // Row 7 is empty. An ISO 8601 date cell is kept as written.
        ['2019-03-15T10:00:00', null, null],
      ],
      sheetNames: ['R&D'],
    });
  });
});

describe('errors', () => {
  const example = fs.readFileSync(EXAMPLE);

  it('a CSV file named .xlsx is not a workbook', () => {
    const e = foiError(() => readXlsxSheet(strToU8('a,b\n1,2\n'), { headerRow: 1, file: 'data.xlsx' }));
    expect(e).toMatchObject({ code: 'xlsx-not-workbook', message: '"data.xlsx" is not an Excel workbook (.xlsx)', location: { file: 'data.xlsx' } });
    expect(e.hint).toMatch(/save it as \.xlsx/);
  });

  it('a zip without xl/workbook.xml is not a workbook', () => {
    const e = foiError(() => listSheets(handMade({ 'word/document.xml': '<document/>' }), 'letter.xlsx'));
    expect(e).toMatchObject({ code: 'xlsx-not-workbook', message: '"letter.xlsx" is not an Excel workbook (.xlsx)' });
  });

  it('a misspelt sheet name suggests the right one, else lists them', () => {
    const e = foiError(() => readXlsxSheet(example, { sheet: 'Crime', headerRow: 4, file: 'connect_extract.xlsx' }));
    expect(e).toMatchObject({
      code: 'xlsx-sheet-missing',
      message: '"connect_extract.xlsx" has no sheet "Crime"',
      hint: 'did you mean "Crimes"?',
      location: { file: 'connect_extract.xlsx' },
    });
    const far = foiError(() => readXlsxSheet(example, { sheet: 'Offences 2019', headerRow: 4, file: 'connect_extract.xlsx' }));
    expect(far.hint).toBe('its sheets: Crimes, Notes');
  });

  it('an empty header row', () => {
    // Row 3 of the example is blank.
    const e = foiError(() => readXlsxSheet(example, { sheet: 'Crimes', headerRow: 3, file: 'connect_extract.xlsx' }));
    expect(e).toMatchObject({ code: 'xlsx-no-header', location: { file: 'connect_extract.xlsx' } });
    expect(e.hint).toMatch(/xlsx\.header_row/);
  });
});
