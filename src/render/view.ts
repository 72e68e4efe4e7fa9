/**
 * The data a letter template sees. Built from the request and the results, then escaped as a
 * whole: every string in it is printed as text, whatever characters it holds.
 */
import type { Request, ResultTable } from '../types.js';
import { FoiError } from '../errors.js';
import { estimateCost, formatHours, formatPounds } from '../law/cost.js';
import type { Deadline } from '../law/deadline.js';
import { findExemption } from '../law/profiles.js';
import type { ExemptionUseT } from '../spec/schema.js';
import { effectivePeriod } from '../spec/periods.js';
import { longDate } from '../util/dates.js';
import { describeCondition } from './describe.js';
import { escapeDeep, escapeMarkdown, formatNumber, markdownTable, oneParagraph } from './markdown.js';
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
  // A table cell is one line, whatever the data holds.
  const e = (s: string) => escapeMarkdown(oneParagraph(s));
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
const EXEMPTION_SHAPE = obj({
  section: V,
  Section: V,
  ncnd_Section: V,
  title: V,
  absolute: V,
  absolute_note: V,
  qualified: V,
  prejudice: V,
  ncnd_section: V,
  applies_to: V,
  standard: V,
  reason: V,
  harm: V,
  public_interest: obj({ for: list(V), against: list(V), conclusion: V }),
});

export const VIEW_SHAPE: Shape = obj({
  reference: V,
  title: V,
  letter_date: V,
  received: V,
  clarified: V,
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
  law: obj({
    id: V,
    name: V,
    short: V,
    request_title: V,
    review_heading: V,
    not_held_notice: V,
    sections: obj({
      advice_and_assistance: V,
      refusal_notice: V,
      not_held: V,
      neither_confirm_nor_deny: V,
      cost: V,
      vexatious: V,
      repeated: V,
      already_accessible: V,
    }),
    review: obj({ paragraph: V, complaint_paragraph: V, complaint_address: list(V), complaint_website: V, appeal: V }),
  }),
  deadline: obj({ due: V, late: V, extension_days: V, extension_reason: V }),
  questions: list(
    obj({
      number: V,
      text: V,
      answer: obj({
        kind: V,
        provided: V,
        provided_in_part: V,
        not_held: V,
        exempt: V,
        ncnd: V,
        refused_cost: V,
        refused_vexatious: V,
        refused_repeated: V,
        already_published: V,
        note: V,
        advice: V,
        where: V,
        previous: obj({ reference: V, date: V }),
        exemptions: list(EXEMPTION_SHAPE),
        tables: list(obj({ id: V, title: V, sheet: V, in_letter: V, note: V, distinct_note: V, grand_total: V, table: V })),
      }),
    }),
  ),
  any_figures: V,
  cost: obj({
    section: V,
    Section: V,
    limit: V,
    limit_hours: V,
    hourly_rate: V,
    regulations: V,
    activities_counted: list(V),
    lines: list(obj({ activity: V, description: V, calculation: V })),
    total_hours: V,
    cost: V,
    summary: V,
    advice: V,
  }),
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

/** "section 12" → "Section 12", for the start of a sentence or heading. */
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function exemptionView(req: Request, use: ExemptionUseT) {
  const e = findExemption(req.law, use.exemption)!;
  const qualified = e.type === 'qualified';
  return {
    section: e.section,
    Section: capitalise(e.section),
    ncnd_Section: e.ncnd_section ? capitalise(e.ncnd_section) : null,
    title: e.title,
    absolute: !qualified,
    // Said once: some standard wordings say it already.
    absolute_note: !qualified && !/absolute exemption/i.test(e.wording),
    qualified,
    prejudice: e.basis === 'prejudice',
    ncnd_section: e.ncnd_section ?? null,
    applies_to: use.applies_to ?? null,
    standard: e.wording,
    reason: use.reason,
    harm: use.harm ?? null,
    public_interest:
      qualified && use.public_interest
        ? {
            for: (use.public_interest.for ?? e.public_interest?.for ?? []).map(oneParagraph),
            against: (use.public_interest.against ?? e.public_interest?.against ?? []).map(oneParagraph),
            conclusion: use.public_interest.conclusion,
          }
        : null,
  };
}

/** The cost estimate a refusal under the cost limit rests on; records may be counted from the data. */
export function costView(req: Request, byId: Map<string, ResultTable>) {
  const est = req.spec.cost_estimate;
  const limits = req.law.cost_limit;
  if (!est || limits.kind === 'none') return null;
  const activities = est.activities.map((a) => ({
    activity: a.activity,
    description: a.description,
    ...(a.records_from !== undefined ? { records: byId.get(a.records_from)!.grandTotal } : a.records !== undefined ? { records: a.records } : {}),
    ...(a.minutes_each !== undefined ? { minutes_each: a.minutes_each } : {}),
    ...(a.hours !== undefined ? { hours: a.hours } : {}),
  }));
  const e = estimateCost(activities, req.law, { central_government: req.authority.central_government });
  if (!e.exceeds && req.questions.some((q) => q.answer.kind === 'refused_cost')) {
    throw new FoiError('cost-estimate', `the estimate (${formatPounds(e.cost)}) does not exceed the limit of ${formatPounds(e.limit)}, so the request cannot be refused on cost`, {
      hint: 'the records counted from the data are fewer than the estimate assumed: answer the request, or check the estimate',
      location: req.yaml.locate(['cost_estimate']),
    });
  }
  return {
    section: req.law.sections.cost,
    Section: capitalise(req.law.sections.cost),
    limit: formatPounds(e.limit),
    limit_hours: formatHours(e.limit_hours),
    hourly_rate: formatPounds(e.hourly_rate),
    // Cited mid-sentence: "under the … Regulations 2004".
    regulations: limits.regulations.replace(/^The /, 'the '),
    activities_counted: limits.activities.map((a) => a.label),
    lines: e.activities.map((l) => ({ activity: capitalise(l.activity), description: l.description, calculation: l.calculation })),
    total_hours: formatHours(e.total_hours),
    cost: formatPounds(e.cost),
    summary: e.summary,
    advice: est.advice,
  };
}

export function buildView(req: Request, results: ResultTable[], deadline?: Deadline): LetterView {
  const byId = new Map(results.map((t) => [t.id, t]));
  const partial = [...new Set(results.flatMap((t) => [...t.rows, ...t.cols]).filter((c) => c.partial).map((c) => c.label))];
  const questions = req.questions.map((q) => {
    const a = q.answer;
    const tables =
      a.kind === 'provided' || a.kind === 'provided_in_part'
        ? a.tables.map((id) => {
            const t = byId.get(id)!;
            return {
              id,
              title: t.title,
              sheet: t.sheet,
              in_letter: t.inLetter,
              note: t.note ?? null,
              distinct_note: t.totalsAreDistinct ? 'Each person is counted once in each year in which they appear, and once in the total.' : null,
              grand_total: formatNumber(t.grandTotal),
              table: tableMarkdown(t),
            };
          })
        : [];
    const uses = a.kind === 'exempt' || a.kind === 'neither_confirm_nor_deny' ? a.exemptions : a.kind === 'provided_in_part' ? a.withheld : [];
    return {
      number: q.number,
      // Quoted in a numbered list and a block quote: one paragraph.
      text: oneParagraph(q.text),
      answer: {
        kind: a.kind,
        provided: a.kind === 'provided',
        provided_in_part: a.kind === 'provided_in_part',
        not_held: a.kind === 'not_held',
        exempt: a.kind === 'exempt',
        ncnd: a.kind === 'neither_confirm_nor_deny',
        refused_cost: a.kind === 'refused_cost',
        refused_vexatious: a.kind === 'refused_vexatious',
        refused_repeated: a.kind === 'refused_repeated',
        already_published: a.kind === 'already_published',
        note: a.note ?? null,
        advice: a.kind === 'not_held' ? (a.advice ?? null) : null,
        where: a.kind === 'already_published' ? a.where : null,
        previous: a.kind === 'refused_repeated' ? { reference: a.previous.reference, date: longDate(a.previous.date) } : null,
        exemptions: uses.map((u) => exemptionView(req, u)),
        tables,
      },
    };
  });
  const law = req.law;

  const raw = {
    reference: req.reference,
    title: req.title,
    letter_date: longDate(req.letterDate),
    received: longDate(req.received),
    clarified: req.spec.clarified ? longDate(req.spec.clarified) : null,
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
    law: {
      id: law.id,
      name: law.name,
      short: law.short,
      request_title: law.letter.request_title,
      review_heading: law.letter.review_heading,
      not_held_notice: law.letter.not_held_notice,
      sections: {
        advice_and_assistance: law.sections.advice_and_assistance,
        refusal_notice: law.sections.refusal_notice,
        not_held: law.sections.not_held,
        neither_confirm_nor_deny: law.sections.neither_confirm_nor_deny,
        cost: law.sections.cost,
        vexatious: law.sections.vexatious,
        repeated: law.sections.repeated,
        already_accessible: law.sections.already_accessible,
      },
      review: {
        paragraph: law.review.paragraph,
        complaint_paragraph: law.review.complaint.paragraph,
        complaint_address: law.review.complaint.address,
        complaint_website: law.review.complaint.website,
        appeal: law.review.complaint.appeal,
      },
    },
    deadline: deadline
      ? {
          due: longDate(deadline.due),
          late: req.letterDate > deadline.due,
          extension_days: req.spec.extension?.working_days ?? null,
          extension_reason: req.spec.extension?.reason ?? null,
        }
      : null,
    questions,
    any_figures: questions.some((q) => q.answer.tables.length > 0),
    cost: costView(req, byId),
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
    annex: results.some((t) => t.questions.length > 0) ? { file: ANNEX_FILE } : null,
    any_in_annex_only: results.some((t) => !t.inLetter && t.questions.length > 0),
  };
  // Tables are Markdown already built from escaped text; everything else is escaped here.
  const view = escapeDeep(raw) as typeof raw;
  view.questions.forEach((q, i) => q.answer.tables.forEach((t, j) => (t.table = questions[i]!.answer.tables[j]!.table)));
  return view;
}
