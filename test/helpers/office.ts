/**
 * A deliberately separate, simple way to read zip, .xlsx and .docx files in tests: node:zlib and
 * regular expressions, sharing no code with foi (which uses exceljs, docx and DuckDB).
 */
import zlib from 'node:zlib';

export function unzip(buf: Buffer): Map<string, Buffer> {
  let eocd = -1;
  for (let i = buf.length - 22; i >= 0; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const lNameLen = buf.readUInt16LE(local + 26);
    const lExtraLen = buf.readUInt16LE(local + 28);
    const start = local + 30 + lNameLen + lExtraLen;
    const data = buf.subarray(start, start + compressed);
    files.set(name, method === 0 ? Buffer.from(data) : zlib.inflateRawSync(data));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

export function decodeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}

const texts = (xml: string, tag: string) =>
  [...xml.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => decodeXml(m[1]!));

export interface XCell {
  /** s: shared string, n: number, inlineStr, str (formula result), b: boolean */
  type: string;
  value: string;
  formula?: string;
}

export type XSheet = Map<string, XCell>;

export interface XWorkbook {
  sheetNames: string[];
  sheets: Map<string, XSheet>;
  files: Map<string, Buffer>;
}

export function readXlsx(buf: Buffer): XWorkbook {
  const files = unzip(buf);
  const str = (name: string) => files.get(name)?.toString('utf8') ?? '';
  const shared = [...str('xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => texts(m[1]!, 't').join(''));
  const rels = new Map(
    [...str('xl/_rels/workbook.xml.rels').matchAll(/<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"/g)].map((m) => [m[1]!, m[2]!]),
  );
  // Attribute order varies between writers: read Id and Target separately.
  for (const m of str('xl/_rels/workbook.xml.rels').matchAll(/<Relationship ([^>]*)\/?>/g)) {
    const id = /Id="([^"]+)"/.exec(m[1]!)?.[1];
    const target = /Target="([^"]+)"/.exec(m[1]!)?.[1];
    if (id && target) rels.set(id, target);
  }
  const sheetNames: string[] = [];
  const sheets = new Map<string, XSheet>();
  for (const m of str('xl/workbook.xml').matchAll(/<sheet ([^>]*)\/>/g)) {
    const name = decodeXml(/name="([^"]*)"/.exec(m[1]!)![1]!);
    const rid = /r:id="([^"]*)"/.exec(m[1]!)![1]!;
    const target = rels.get(rid)!.replace(/^\/?(xl\/)?/, '');
    const xml = str(`xl/${target}`);
    const cells: XSheet = new Map();
    for (const c of xml.matchAll(/<c ([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attrs = c[1]!;
      const inner = c[2] ?? '';
      const ref = /r="([A-Z]+\d+)"/.exec(attrs)![1]!;
      const type = /t="([^"]+)"/.exec(attrs)?.[1] ?? 'n';
      const v = texts(inner, 'v')[0];
      const f = texts(inner, 'f')[0];
      if (v === undefined && f === undefined && type !== 'inlineStr') continue;
      const value = type === 's' ? shared[Number(v)]! : type === 'inlineStr' ? texts(inner, 't').join('') : (v ?? '');
      cells.set(ref, { type, value, ...(f !== undefined ? { formula: f } : {}) });
    }
    sheetNames.push(name);
    sheets.set(name, cells);
  }
  return { sheetNames, sheets, files };
}

export function colLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** A sheet's used cells as a grid of values (strings; numbers as their text). */
export function grid(sheet: XSheet): string[][] {
  const out: string[][] = [];
  for (const [ref, cell] of sheet) {
    const m = /^([A-Z]+)(\d+)$/.exec(ref)!;
    const col = [...m[1]!].reduce((a, ch) => a * 26 + ch.charCodeAt(0) - 64, 0);
    const row = Number(m[2]);
    (out[row - 1] ??= [])[col - 1] = cell.value;
  }
  return Array.from(out, (r) => Array.from(r ?? [], (v) => v ?? ''));
}

export interface DocxContent {
  /** Paragraph texts, in order (outside tables). */
  paragraphs: { style?: string; text: string; numbered: boolean; numId?: string }[];
  /** Tables as rows of cell texts. */
  tables: string[][][];
  xml: string;
  files: Map<string, Buffer>;
}

export function readDocx(buf: Buffer): DocxContent {
  const files = unzip(buf);
  const xml = files.get('word/document.xml')!.toString('utf8');
  const body = xml.replace(/<w:tbl>[\s\S]*?<\/w:tbl>/g, '');
  const paragraphs = [...body.matchAll(/<w:p(?:\s[^>]*)?>([\s\S]*?)<\/w:p>/g)].map((m) => ({
    style: /<w:pStyle w:val="([^"]+)"/.exec(m[1]!)?.[1],
    numbered: /<w:numPr>/.test(m[1]!),
    numId: /<w:numId w:val="([^"]+)"/.exec(m[1]!)?.[1],
    text: texts(m[1]!, 'w:t').join(''),
  }));
  const tables = [...xml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map((t) =>
    [...t[1]!.matchAll(/<w:tr(?:\s[^>]*)?>([\s\S]*?)<\/w:tr>/g)].map((r) =>
      [...r[1]!.matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map((c) => texts(c[1]!, 'w:t').join('')),
    ),
  );
  return { paragraphs, tables, xml, files };
}
