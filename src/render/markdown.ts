/** Markdown for templates: escaping data so it stays text, and building tables. */

/**
 * Escapes every character Markdown could read as structure (CommonMark lets any ASCII punctuation
 * be backslash-escaped), and folds line breaks, so a value from a spec or the data is printed
 * exactly as it is and can never become a heading, a link, a list or a table.
 */
export function escapeMarkdown(text: string): string {
  return text
    .trim()
    .split(/\s*\n\s*\n\s*/)
    .map((para) => para.replace(/\s*[\r\n]+\s*/g, ' ').replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, (c) => `\\${c}`))
    .join('\n\n');
}

/** One paragraph, for places where a paragraph break would break the structure (a list item, a quote). */
export function oneParagraph(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Escapes every string in a view model, leaving numbers and structure alone. */
export function escapeDeep<T>(value: T): T {
  if (typeof value === 'string') return escapeMarkdown(value) as T;
  if (Array.isArray(value)) return value.map(escapeDeep) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = escapeDeep(v);
    return out as T;
  }
  return value;
}

/** "1,584": figures in a letter are grouped by thousands. */
export function formatNumber(n: number): string {
  return n.toLocaleString('en-GB', { maximumFractionDigits: 2 });
}

export interface MdTable {
  header: string[];
  rows: string[][];
  /** Per column. */
  align: ('left' | 'right')[];
  /** Row indexes printed bold (totals). */
  bold?: number[];
}

/** A GFM table from already-escaped cell text. */
export function markdownTable(t: MdTable): string {
  const row = (cells: string[], bold = false) =>
    `| ${cells.map((c) => (bold && c !== '' ? `**${c}**` : c)).join(' | ')} |`;
  const sep = `|${t.align.map((a) => (a === 'right' ? ' ---: ' : ' :--- ')).join('|')}|`;
  const bold = new Set(t.bold ?? []);
  return [row(t.header), sep, ...t.rows.map((r, i) => row(r, bold.has(i)))].join('\n');
}
