/**
 * Markdown → a real Word document: headings are Word headings, lists are Word lists with
 * numbering, tables are Word tables with a repeating header row, quotes use the Quote style.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Header,
  HeadingLevel,
  LevelFormat,
  Packer,
  PageNumber,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type FileChild,
  type ParagraphChild,
} from 'docx';
import { Lexer, type Token, type Tokens } from 'marked';

export interface LetterLayout {
  font: string;
  /** Points. */
  size: number;
  title: string;
  subject?: string;
  creator: string;
  /** Lines of the letterhead, top right of the first page; the first is bold. */
  letterhead: string[];
  /** Footer text, left of the page number. */
  footer: string;
}

/** A4 with 2.54 cm margins: the width tables can use, in twentieths of a point. */
const PAGE_WIDTH = 11906;
const MARGIN = 1440;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;

interface RunStyle {
  bold?: boolean;
  italics?: boolean;
}

function inline(tokens: Token[] | undefined, style: RunStyle = {}): ParagraphChild[] {
  const out: ParagraphChild[] = [];
  for (const t of tokens ?? []) {
    switch (t.type) {
      case 'strong':
        out.push(...inline((t as Tokens.Strong).tokens, { ...style, bold: true }));
        break;
      case 'em':
        out.push(...inline((t as Tokens.Em).tokens, { ...style, italics: true }));
        break;
      case 'br':
        out.push(new TextRun({ break: 1, ...style }));
        break;
      case 'link':
        out.push(...inline((t as Tokens.Link).tokens, style));
        break;
      case 'codespan':
      case 'escape':
        out.push(new TextRun({ text: (t as Tokens.Codespan).text, ...style }));
        break;
      case 'text': {
        const tt = t as Tokens.Text;
        if (tt.tokens?.length) out.push(...inline(tt.tokens, style));
        else out.push(new TextRun({ text: tt.text, ...style }));
        break;
      }
      default:
        if ('text' in t && typeof t.text === 'string') out.push(new TextRun({ text: t.text, ...style }));
    }
  }
  return out;
}

const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4] as const;

const thin = { style: BorderStyle.SINGLE, size: 4, color: '808080' };
const borders = { top: thin, bottom: thin, left: thin, right: thin, insideHorizontal: thin, insideVertical: thin };

function table(t: Tokens.Table): Table {
  const n = t.header.length;
  // The first column holds labels and gets what the figures do not need.
  const figureWidth = n > 1 ? Math.min(1500, Math.floor((CONTENT_WIDTH * 0.6) / (n - 1))) : 0;
  const firstWidth = n > 1 ? Math.min(CONTENT_WIDTH - figureWidth * (n - 1), 4200) : CONTENT_WIDTH;
  const widths = [firstWidth, ...Array.from({ length: n - 1 }, () => figureWidth)];
  const cell = (c: Tokens.TableCell, i: number, header: boolean) =>
    new TableCell({
      width: { size: widths[i]!, type: WidthType.DXA },
      margins: { top: 40, bottom: 40, left: 80, right: 80 },
      ...(header ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'E7E6E6' } } : {}),
      children: [
        new Paragraph({
          alignment: t.align[i] === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT,
          spacing: { before: 0, after: 0 },
          children: inline(c.tokens, header ? { bold: true } : {}),
        }),
      ],
    });
  return new Table({
    width: { size: widths.reduce((a, b) => a + b, 0), type: WidthType.DXA },
    columnWidths: widths,
    borders,
    rows: [
      new TableRow({ tableHeader: true, cantSplit: true, children: t.header.map((c, i) => cell(c, i, true)) }),
      ...t.rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c, i) => cell(c, i, false)) })),
    ],
  });
}

/** Block tokens → document content. Ordered lists each get their own numbering instance. */
export function blocks(tokens: Token[], state = { list: 0 }, quote = false): FileChild[] {
  const out: FileChild[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case 'heading': {
        const h = t as Tokens.Heading;
        out.push(new Paragraph({ heading: HEADINGS[Math.min(h.depth, 4) - 1], keepNext: true, children: inline(h.tokens) }));
        break;
      }
      case 'paragraph':
        out.push(new Paragraph({ ...(quote ? { style: 'Quote' } : {}), children: inline((t as Tokens.Paragraph).tokens) }));
        break;
      case 'text':
        out.push(new Paragraph({ children: inline((t as Tokens.Text).tokens ?? [t]) }));
        break;
      case 'blockquote':
        out.push(...blocks((t as Tokens.Blockquote).tokens, state, true));
        break;
      case 'list': {
        const l = t as Tokens.List;
        const instance = ++state.list;
        for (const item of l.items) {
          const [first, ...rest] = item.tokens;
          const firstInline = first && (first.type === 'text' || first.type === 'paragraph') ? (first as Tokens.Text).tokens ?? [first] : [];
          out.push(
            new Paragraph({
              ...(l.ordered ? { numbering: { reference: 'ordered', level: 0, instance } } : { bullet: { level: 0 } }),
              ...(quote ? { style: 'Quote' } : {}),
              children: inline(firstInline),
            }),
          );
          if (rest.length) out.push(...blocks(rest.filter((r) => r.type !== 'space'), state, quote));
        }
        break;
      }
      case 'table':
        out.push(table(t as Tokens.Table));
        // Word runs a table into the next paragraph's spacing; an empty line keeps them apart.
        out.push(new Paragraph({ spacing: { before: 0, after: 0 }, children: [] }));
        break;
      case 'space':
      case 'hr':
        break;
      default:
        if ('text' in t && typeof t.text === 'string' && t.text.trim()) out.push(new Paragraph({ children: [new TextRun(t.text)] }));
    }
  }
  return out;
}

export function markdownToBlocks(markdown: string): FileChild[] {
  return blocks(Lexer.lex(markdown, { gfm: true }));
}

export async function buildDocx(markdown: string, layout: LetterLayout): Promise<Buffer> {
  const half = layout.size * 2;
  const letterhead = layout.letterhead.map(
    (line, i) =>
      new Paragraph({
        alignment: AlignmentType.RIGHT,
        spacing: { before: 0, after: 0 },
        children: [new TextRun({ text: line, bold: i === 0, size: i === 0 ? half + 4 : half - 2 })],
      }),
  );
  const footer = new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [
          new TextRun({ text: `${layout.footer}    Page `, size: half - 4 }),
          new TextRun({ children: [PageNumber.CURRENT], size: half - 4 }),
          new TextRun({ text: ' of ', size: half - 4 }),
          new TextRun({ children: [PageNumber.TOTAL_PAGES], size: half - 4 }),
        ],
      }),
    ],
  });
  const doc = new Document({
    creator: layout.creator,
    lastModifiedBy: layout.creator,
    title: layout.title,
    subject: layout.subject,
    description: layout.title,
    revision: 1,
    styles: {
      default: {
        document: { run: { font: layout.font, size: half }, paragraph: { spacing: { after: 160, line: 276 } } },
        heading1: { run: { font: layout.font, size: half + 8, bold: true, color: '1F3864' }, paragraph: { spacing: { before: 240, after: 160 } } },
        heading2: { run: { font: layout.font, size: half + 4, bold: true, color: '1F3864' }, paragraph: { spacing: { before: 320, after: 120 } } },
        heading3: { run: { font: layout.font, size: half + 2, bold: true }, paragraph: { spacing: { before: 240, after: 80 } } },
        heading4: { run: { font: layout.font, size: half, bold: true }, paragraph: { spacing: { before: 160, after: 80 } } },
        listParagraph: { run: { font: layout.font, size: half } },
      },
      paragraphStyles: [
        {
          id: 'Quote',
          name: 'Quote',
          basedOn: 'Normal',
          next: 'Normal',
          quickFormat: true,
          run: { italics: true, color: '404040' },
          paragraph: { indent: { left: 567, right: 567 }, spacing: { after: 120 } },
        },
      ],
    },
    numbering: {
      config: [
        {
          reference: 'ordered',
          levels: [
            {
              level: 0,
              format: LevelFormat.DECIMAL,
              text: '%1.',
              alignment: AlignmentType.START,
              style: { paragraph: { indent: { left: 567, hanging: 425 } } },
            },
          ],
        },
      ],
    },
    sections: [
      {
        properties: {
          titlePage: true,
          page: { size: { width: PAGE_WIDTH, height: 16838 }, margin: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN } },
        },
        headers: { first: new Header({ children: letterhead }), default: new Header({ children: [] }) },
        footers: { first: footer, default: footer },
        children: markdownToBlocks(markdown),
      },
    ],
  });
  return Packer.toBuffer(doc);
}
