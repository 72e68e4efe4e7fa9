/**
 * Step three of loading: named rules that check the spec against itself and its data. Each rule
 * has a stable code (used in messages, `--json` output and the README) and reports every problem
 * it finds, located in the spec.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Problem } from '../errors.js';
import type { Request } from '../types.js';
import { compareDates, dateProblem } from '../util/dates.js';
import { didYouMean } from '../util/suggest.js';
import { ConditionError, parseCondition, testsOf } from './condition.js';
import type { ConditionT } from './schema.js';
import type { Path } from './yaml.js';

export interface Rule {
  code: string;
  /** One line for the README's list of rules. */
  description: string;
  /** Rules that look at the data files; skipped when rebuilding documents from stored results. */
  needsData?: boolean;
  check(req: Request): Problem[];
}

const problem = (
  req: Request,
  code: string,
  p: Path,
  message: string,
  hint?: string,
  severity: Problem['severity'] = 'error',
  key = false,
): Problem => ({ code, severity, message, hint, location: req.yaml.locate(p, { key }) });

/** Every date the spec holds, with where it is. */
function specDates(req: Request): { path: Path; value: string }[] {
  const s = req.spec;
  const out: { path: Path; value: string }[] = [
    { path: ['received'], value: s.received },
    { path: ['letter_date'], value: s.letter_date },
    { path: ['criteria', 'period', 'from'], value: s.criteria.period.from },
    { path: ['criteria', 'period', 'to'], value: s.criteria.period.to },
  ];
  for (const [id, src] of Object.entries(s.sources)) {
    if (src.period.from !== undefined) out.push({ path: ['sources', id, 'period', 'from'], value: src.period.from });
    if (src.period.to !== undefined) out.push({ path: ['sources', id, 'period', 'to'], value: src.period.to });
  }
  return out;
}

/** Every condition in the spec, with its path. */
export function specConditions(req: Request): { path: Path; cond: ConditionT }[] {
  const out: { path: Path; cond: ConditionT }[] = [];
  if (req.spec.criteria.where) out.push({ path: ['criteria', 'where'], cond: req.spec.criteria.where });
  for (const [id, t] of Object.entries(req.spec.tables)) {
    if (t.where) out.push({ path: ['tables', id, 'where'], cond: t.where });
  }
  return out;
}

export const rules: Rule[] = [
  {
    code: 'date-invalid',
    description: 'A date that does not exist (31 September, 29 February in a common year, month 13).',
    check(req) {
      return specDates(req).flatMap(({ path: p, value }) => {
        const why = dateProblem(value);
        return why ? [problem(req, 'date-invalid', p, why, 'use a day that exists in that month, e.g. the last day of September is 2019-09-30')] : [];
      });
    },
  },
  {
    code: 'period-reversed',
    description: 'A period that ends before it starts.',
    check(req) {
      const periods: { path: Path; from?: string; to?: string }[] = [
        { path: ['criteria', 'period'], ...req.spec.criteria.period },
        ...Object.entries(req.spec.sources).map(([id, s]) => ({ path: ['sources', id, 'period'] as Path, ...s.period })),
      ];
      return periods.flatMap((p) =>
        p.from !== undefined && p.to !== undefined && !dateProblem(p.from) && !dateProblem(p.to) && compareDates(p.from, p.to) > 0
          ? [problem(req, 'period-reversed', [...p.path, 'to'], `the period ends (${p.to}) before it starts (${p.from})`, 'swap "from" and "to"')]
          : [],
      );
    },
  },
  {
    code: 'letter-before-received',
    description: 'A letter dated before the request was received.',
    check(req) {
      const { received, letter_date } = req.spec;
      if (dateProblem(received) || dateProblem(letter_date) || compareDates(letter_date, received) >= 0) return [];
      return [
        problem(req, 'letter-before-received', ['letter_date'], `the letter date ${letter_date} is before the request was received (${received})`, 'check both dates'),
      ];
    },
  },
  {
    code: 'answer-table-unknown',
    description: 'A question answered by a table the spec does not define.',
    check(req) {
      const ids = Object.keys(req.spec.tables);
      return req.spec.questions.flatMap((q, i) =>
        q.answer.kind === 'provided'
          ? q.answer.tables.flatMap((t, j) =>
              ids.includes(t)
                ? []
                : [problem(req, 'answer-table-unknown', ['questions', i, 'answer', 'tables', j], `question ${i + 1} is answered by table "${t}", which is not defined under "tables"`, didYouMean(t, ids) ?? `defined tables: ${ids.join(', ')}`)],
            )
          : [],
      );
    },
  },
  {
    code: 'field-unknown',
    description: 'A mapping, breakdown, measure or criterion naming a field that "fields" does not define.',
    check(req) {
      const fields = Object.keys(req.spec.fields);
      const out: Problem[] = [];
      const check = (name: string, p: Path, key = false, extra: string[] = []) => {
        if (!fields.includes(name) && !extra.includes(name)) {
          out.push(problem(req, 'field-unknown', p, `"${name}" is not a field defined under "fields"`, didYouMean(name, [...fields, ...extra]) ?? `fields: ${fields.join(', ')}`, 'error', key));
        }
      };
      for (const [id, s] of Object.entries(req.spec.sources)) {
        for (const f of Object.keys(s.columns)) check(f, ['sources', id, 'columns', f], true);
      }
      const buckets = ['year', 'financial_year', 'quarter', 'month'];
      for (const [id, t] of Object.entries(req.spec.tables)) {
        check(t.rows, ['tables', id, 'rows'], false, buckets);
        if (t.columns !== undefined) check(t.columns, ['tables', id, 'columns'], false, buckets);
        if (t.measure && t.measure !== 'count') {
          const [k, f] = Object.entries(t.measure)[0]!;
          check(f, ['tables', id, 'measure', k]);
        }
      }
      if (req.spec.criteria.period_field !== undefined) check(req.spec.criteria.period_field, ['criteria', 'period_field']);
      for (const { path: p, cond } of specConditions(req)) {
        try {
          for (const t of testsOf(parseCondition(cond, [...p]))) check(t.field, t.path.slice(0, t.path.indexOf(t.field) + 1), true);
        } catch {
          // reported by condition-invalid
        }
      }
      return out;
    },
  },
  {
    code: 'condition-invalid',
    description: 'A criterion that cannot be read (unknown test, wrong kind of value).',
    check(req) {
      const out: Problem[] = [];
      for (const { path: p, cond } of specConditions(req)) {
        try {
          parseCondition(cond, [...p]);
        } catch (e) {
          if (!(e instanceof ConditionError)) throw e;
          out.push(problem(req, 'condition-invalid', e.path, e.message, e.hint));
        }
      }
      return out;
    },
  },
  {
    code: 'period-field-type',
    description: 'The field the periods apply to is not a date field.',
    check(req) {
      const f = req.spec.fields[req.periodField];
      if (!f || f.type === 'date') return [];
      return [
        problem(req, 'period-field-type', req.spec.criteria.period_field !== undefined ? ['criteria', 'period_field'] : ['fields', req.periodField, 'type'], `the periods apply to "${req.periodField}", which is a ${f.type} field, not a date`, 'name a date field in criteria.period_field'),
      ];
    },
  },
  {
    code: 'source-outside-folder',
    description: "A source file outside the spec's folder (e.g. ../../../etc/passwd).",
    needsData: true,
    check(req) {
      return req.sources.flatMap((s) => {
        const rel = path.relative(req.specDir, s.path);
        return rel.startsWith('..') || path.isAbsolute(rel)
          ? [problem(req, 'source-outside-folder', ['sources', s.id, 'file'], `the file "${s.file}" is outside the request's folder`, "copy the extract into the request's folder and name it relative to the spec")]
          : [];
      });
    },
  },
  {
    code: 'source-missing',
    description: 'A source file that does not exist or is not a file.',
    needsData: true,
    check(req) {
      return req.sources.flatMap((s) => {
        let stat: fs.Stats | undefined;
        try {
          stat = fs.statSync(s.path);
        } catch {
          stat = undefined;
        }
        if (stat?.isFile()) return [];
        return [
          problem(req, 'source-missing', ['sources', s.id, 'file'], stat ? `"${s.file}" is not a file` : `the file "${s.file}" does not exist (looked for ${s.path})`, "file names are relative to the spec's folder; check the spelling and that the extract was copied there"),
        ];
      });
    },
  },
];
