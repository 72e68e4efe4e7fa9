/**
 * The data a letter template sees. Built from the request and the results, then escaped as a
 * whole: every string in it is printed as text, whatever characters it holds.
 */
import type { Request, ResultTable } from '../types.js';
import { effectivePeriod } from '../spec/periods.js';
import { longDate } from '../util/dates.js';
import { describeCondition } from './describe.js';
import { escapeDeep, escapeMarkdown, formatNumber, markdownTable } from './markdown.js';
import { list, obj, V, type Shape } from './template-check.js';

export const ANNEX_FILE = 'annex.xlsx';

/** A short column heading for a partial year in a letter table: "2019 (Jan–Sep)". */
function shortLabel(label: string): string {
  return label.replace(/\(([A-Z][a-z]+) to ([A-Z][a-z]+)\)$/, (_, a: string, b: string) => `(${a.slice(0, 3)}–${b.slice(0, 3)})`);
}

export function totalLabel(t: ResultTable): string {
  return t.totalsAreDistinct ? 'Total (each counted once)' : 'Total';
}

/** The table as Markdown for the letter: totals row and, for a cross-tab, totals column. */
export function tableMarkdown(t: ResultTable): string {
  const e = escapeMarkdown;
  const crossTab = t.colDimLabel !== undefined;
  const header = crossTab
    ? [t.rowDimLabel, ...t.cols.map((c) => shortLabel(c.label)), totalLabel(t)]
    : [t.rowDimLabel, t.measureLabel];
  const rows = t.rows.map((r, i) => [
    r.label,
    ...(crossTab ? [...t.cells[i]!.map(formatNumber), formatNumber(t.rowTotals[i]!)] : [formatNumber(t.cells[i]![0]!)]),
  ]);
  const total = [totalLabel(t), ...(crossTab ? [...t.colTotals.map(formatNumber), formatNumber(t.grandTotal)] : [formatNumber(t.grandTotal)])];
  return markdownTable({
    header: header.map(e),
    rows: [...rows, total].map((r) => r.map(e)),
    align: header.map((_, i) => (i === 0 ? 'left' : 'right')),
    bold: [rows.length],
  });
}

export interface LetterView {
  [key: string]: unknown;
}

/**
 * Every name a letter template may use. Templates are checked against it before a run, in every
 * branch; a test keeps it equal to what buildView produces.
 */
export const VIEW_SHAPE: Shape = obj({
  reference: V,
  title: V,
  letter_date: V,
  received: V,
  authority: obj({
    name: V,
    unit: V,
    address: list(V),
    email: V,
    phone: V,
    website: V,
    signatory: obj({ name: V, role: V }),
  }),
  requester: obj({ name: V, address: list(V), email: V }),
  questions: list(
    obj({
      number: V,
      text: V,
      answer: obj({
        kind: V,
        provided: V,
        not_held: V,
        note: V,
        advice: V,
        tables: list(obj({ id: V, title: V, sheet: V, in_letter: V, note: V, distinct_note: V, grand_total: V, table: V })),
      }),
    }),
  ),
  search: obj({
    by: V,
    note: V,
    sources: list(obj({ name: V, description: V, date_basis: V, read: V, from: V, to: V })),
    several_sources: V,
    criteria: list(V),
    period: obj({ from: V, to: V }),
    partial: list(V),
  }),
  annex: obj({ file: V }),
  any_in_annex_only: V,
});

export function buildView(req: Request, results: ResultTable[]): LetterView {
  const byId = new Map(results.map((t) => [t.id, t]));
  const partial = [...new Set(results.flatMap((t) => [...t.rows, ...t.cols]).filter((c) => c.partial).map((c) => c.label))];
  const questions = req.questions.map((q) => {
    const a = q.answer;
    const tables =
      a.kind === 'provided'
        ? a.tables.map((id) => {
            const t = byId.get(id)!;
            return {
              id,
              title: t.title,
              sheet: t.sheet,
              in_letter: t.inLetter,
              note: t.note ?? null,
              distinct_note: t.totalsAreDistinct
                ? 'A person who reported crimes in more than one year is counted in each of those years, but once in the total.'
                : null,
              grand_total: formatNumber(t.grandTotal),
              table: tableMarkdown(t),
            };
          })
        : [];
    return {
      number: q.number,
      text: q.text,
      answer: {
        kind: a.kind,
        provided: a.kind === 'provided',
        not_held: a.kind === 'not_held',
        note: a.note ?? null,
        advice: a.kind === 'not_held' ? (a.advice ?? null) : null,
        tables,
      },
    };
  });

  const raw = {
    reference: req.reference,
    title: req.title,
    letter_date: longDate(req.letterDate),
    received: longDate(req.received),
    authority: {
      name: req.authority.name,
      unit: req.authority.unit ?? null,
      address: req.authority.address,
      email: req.authority.email ?? null,
      phone: req.authority.phone ?? null,
      website: req.authority.website ?? null,
      signatory: req.authority.signatory,
    },
    requester: req.requester
      ? { name: req.requester.name, address: req.requester.address ?? [], email: req.requester.email ?? null }
      : null,
    questions,
    search: {
      by: req.search.by ?? null,
      note: req.search.note ?? null,
      sources: req.sources.map((s) => {
        const p = effectivePeriod(s.period, req.period);
        return {
          name: s.name,
          description: s.description ?? null,
          date_basis: s.dateBasis ?? 'date',
          read: p !== undefined,
          from: p ? longDate(p.from) : null,
          to: p ? longDate(p.to) : null,
        };
      }),
      several_sources: req.sources.length > 1,
      criteria: describeCondition(req, req.where, ['criteria', 'where']),
      period: { from: longDate(req.period.from), to: longDate(req.period.to) },
      partial,
    },
    annex: { file: ANNEX_FILE },
    any_in_annex_only: results.some((t) => !t.inLetter),
  };
  // Tables are Markdown already built from escaped text; everything else is escaped here.
  const view = escapeDeep(raw) as typeof raw;
  view.questions.forEach((q, i) => q.answer.tables.forEach((t, j) => (t.table = questions[i]!.answer.tables[j]!.table)));
  return view;
}
