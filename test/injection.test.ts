/** Values from specs and data never become code: not formulas, not Markdown, not SQL. */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runRequest } from '../src/pipeline.js';
import { escapeMarkdown } from '../src/render/markdown.js';
import { readDocx, readXlsx, type DocxContent, type XWorkbook } from './helpers/office.js';
import { FIXTURES, tmpDir } from './helpers/tmp.js';

let annex: XWorkbook;
let letter: DocxContent;
const LABELS = ['=HYPERLINK("http://example.invalid","click")', '+44 1234', '-5', '@SUM(A1)', '=1+1'];

beforeAll(async () => {
  const { dir } = await runRequest(path.join(FIXTURES, 'formula-labels/request.yaml'), { out: tmpDir() });
  annex = readXlsx(fs.readFileSync(path.join(dir, 'annex.xlsx')));
  letter = readDocx(fs.readFileSync(path.join(dir, 'letter.docx')));
});

describe('hostile values', () => {
  it('labels from the data that start with = + - @ are text cells in the annex, never formulas', () => {
    const sheet = [...annex.sheets.values()].find((s) => [...s.values()].some((c) => c.value === LABELS[0]))!;
    expect(sheet).toBeDefined();
    for (const label of LABELS) {
      const cells = [...sheet.values()].filter((c) => c.value === label);
      expect(cells, label).toHaveLength(1);
      expect(['s', 'inlineStr', 'str']).toContain(cells[0]!.type);
      expect(cells[0]!.type).not.toBe('str');
    }
    for (const s of annex.sheets.values()) for (const c of s.values()) expect(c.formula).toBeUndefined();
    const xml = [...annex.files.entries()].filter(([n]) => n.startsWith('xl/worksheets/')).map(([, b]) => b.toString()).join('');
    expect(xml).not.toContain('<f>');
  });

  it('the same labels appear in the letter as the same text', () => {
    const cells = letter.tables.flat(2);
    for (const label of LABELS) expect(cells).toContain(label);
  });

  it('a question that looks like Markdown or HTML is printed exactly as written', () => {
    const q = 'How many **incidents** per year? # not a heading | not a table <b>not html</b> [link](http://x)';
    expect(letter.paragraphs.map((p) => p.text)).toContain(q);
    expect(letter.xml).not.toContain('<w:hyperlink');
  });

  it('escapeMarkdown escapes every punctuation character and keeps only paragraph breaks', () => {
    expect(escapeMarkdown('a*b_c\n# d\n\n- e')).toBe('a\\*b\\_c \\# d\n\n\\- e');
  });
});
