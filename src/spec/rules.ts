/**
 * Step three of loading: named rules that check the spec against itself and its data. Each rule
 * has a stable code (used in messages, `--json` output and the README) and reports every problem
 * it finds, located in the spec.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isFoiError, type Problem } from '../errors.js';
import { computeDeadline, type Deadline } from '../law/deadline.js';
import { estimateCost, formatPounds } from '../law/cost.js';
import { findExemption } from '../law/profiles.js';
import type { Request } from '../types.js';
import { addDays, compareDates, dateFix, dateProblem, longDate } from '../util/dates.js';
import { didYouMean } from '../util/suggest.js';
import { ConditionError, parseCondition, testsOf } from './condition.js';
import { BUCKETS, type ConditionT, type ExemptionUseT, type FieldT, type SourcePeriodT } from './schema.js';
import { safeSheetName } from './normalise.js';
import { effectivePeriod } from './periods.js';
import type { Scalar } from './condition.js';
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
    ...(s.clarified ? [{ path: ['clarified'] as Path, value: s.clarified }] : []),
    ...(s.criteria
      ? [
          { path: ['criteria', 'period', 'from'] as Path, value: s.criteria.period.from },
          { path: ['criteria', 'period', 'to'] as Path, value: s.criteria.period.to },
        ]
      : []),
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
  if (req.spec.criteria?.where) out.push({ path: ['criteria', 'where'], cond: req.spec.criteria.where });
  for (const [id, t] of Object.entries(req.spec.tables)) {
    if (t.where) out.push({ path: ['tables', id, 'where'], cond: t.where });
  }
  return out;
}

const dateProblemIn = (p: SourcePeriodT) => (p.from !== undefined && dateProblem(p.from)) || (p.to !== undefined && dateProblem(p.to));

function valueTypeProblem(v: Scalar, type: FieldT['type']): string | undefined {
  switch (type) {
    case 'integer':
      return typeof v === 'number' ? (Number.isInteger(v) ? undefined : 'is not a whole number') : /^-?\d+$/.test(String(v)) ? undefined : 'is not a whole number';
    case 'number':
      return typeof v === 'number' || /^-?\d+(\.\d+)?$/.test(String(v)) ? undefined : 'is not a number';
    case 'boolean':
      return typeof v === 'boolean' || /^(true|false)$/i.test(String(v)) ? undefined : 'is not true or false';
    case 'date':
      return typeof v === 'string' ? dateProblem(v)?.replace(`"${v}" `, '') : 'is not a date written YYYY-MM-DD';
    case 'text':
      return undefined;
  }
}

function typeHint(type: FieldT['type']): string {
  return {
    integer: 'write a whole number, e.g. 1',
    number: 'write a number, e.g. 2.5',
    boolean: 'write true or false',
    date: 'write a date that exists, YYYY-MM-DD',
    text: '',
  }[type];
}

/** DuckDB uses RE2: no look-around or back-references. */
function regexProblem(re: string, needGroup: boolean): string | undefined {
  try {
    new RegExp(re);
  } catch (e) {
    return `is not valid: ${(e as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /, '')}`;
  }
  if (/\(\?<?[=!]|\\[1-9]/.test(re)) return 'uses look-around or a back-reference, which the database cannot run';
  if (needGroup && !/\((?!\?)/.test(re.replace(/\\./g, ''))) return 'has no group in parentheses to take the value from';
  return undefined;
}

/** The directives DuckDB's strptime understands. */
const STRPTIME_DIRECTIVES = 'aAbBcdefgGHIjmMpSuUVwWxXyYzZ%'.split('');

/** Every exemption a question relies on, with where it is in the spec. */
function exemptionUses(req: Request): { use: ExemptionUseT; at: Path }[] {
  return req.spec.questions.flatMap((q, i) => {
    const a = q.answer;
    const list = a.kind === 'exempt' || a.kind === 'neither_confirm_nor_deny' ? a.exemptions : a.kind === 'provided_in_part' ? a.withheld : [];
    const key = a.kind === 'provided_in_part' ? 'withheld' : 'exemptions';
    return list.map((use, j) => ({ use, at: ['questions', i, 'answer', key, j] as Path }));
  });
}

/** The statutory deadline of a request, from its received (or clarified) date and any extension. */
export function deadlineOf(req: Request): Deadline {
  return computeDeadline({ received: req.received, law: req.jurisdiction, clarified: req.spec.clarified, extension_days: req.spec.extension?.working_days });
}

export const rules: Rule[] = [
  {
    code: 'date-invalid',
    description: 'A date that does not exist (31 September, 29 February in a common year, month 13).',
    check(req) {
      return specDates(req).flatMap(({ path: p, value }) => {
        const why = dateProblem(value);
        return why ? [problem(req, 'date-invalid', p, why, dateFix(value))] : [];
      });
    },
  },
  {
    code: 'period-reversed',
    description: 'A period that ends before it starts.',
    check(req) {
      const periods: { path: Path; from?: string; to?: string }[] = [
        ...(req.spec.criteria ? [{ path: ['criteria', 'period'] as Path, ...req.spec.criteria.period }] : []),
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
        q.answer.kind === 'provided' || q.answer.kind === 'provided_in_part'
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
        if (t.rows !== undefined) check(t.rows, ['tables', id, 'rows'], false, buckets);
        if (t.columns !== undefined) check(t.columns, ['tables', id, 'columns'], false, buckets);
        if (t.measure && t.measure !== 'count') {
          const [k, f] = Object.entries(t.measure)[0]!;
          check(f, ['tables', id, 'measure', k]);
        }
      }
      if (req.spec.criteria?.period_field !== undefined) check(req.spec.criteria.period_field, ['criteria', 'period_field']);
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
        problem(req, 'period-field-type', req.spec.criteria?.period_field !== undefined ? ['criteria', 'period_field'] : ['fields', req.periodField, 'type'], `the periods apply to "${req.periodField}", which is a ${f.type} field, not a date`, 'name a date field in criteria.period_field'),
      ];
    },
  },
  {
    code: 'source-outside-folder',
    description: "A source file outside the spec's folder (e.g. ../../../etc/passwd).",
    needsData: true,
    check(req) {
      const real = (p: string) => {
        try {
          return fs.realpathSync(p);
        } catch {
          return path.resolve(p);
        }
      };
      // Links are followed: a link inside the folder to a file outside it is outside.
      const roots = [req.specDir, ...(req.spec.data_folders ?? []).map((f) => path.resolve(req.specDir, f))].map(real);
      const inside = (file: string) =>
        roots.some((root) => {
          const rel = path.relative(root, file);
          return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
        });
      return req.sources.filter((s) => s.kind === 'file' && s.path).flatMap((s) =>
        inside(path.resolve(s.path)) && inside(real(s.path))
          ? []
          : [
              problem(
                req,
                'source-outside-folder',
                ['sources', s.id, 'file'],
                `the file "${s.file}" is outside the request's folder`,
                "copy the extract into the request's folder and name it relative to the spec, or list the folder it is in under data_folders",
              ),
            ],
      );
    },
  },
  {
    code: 'source-missing',
    description: 'A source file that does not exist or is not a file.',
    needsData: true,
    check(req) {
      return req.sources.filter((s) => s.kind === 'file' && s.path).flatMap((s) => {
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
  {
    code: 'source-periods-overlap',
    description: 'Two sources read for the same days: records held in both (migrated records) would be counted twice.',
    check(req) {
      const out: Problem[] = [];
      const srcs = req.sources.map((s) => ({ s, p: effectivePeriod(s.period, req.period) })).filter((x) => x.p && !dateProblemIn(x.s.period));
      for (let i = 0; i < srcs.length; i++) {
        for (let j = i + 1; j < srcs.length; j++) {
          const a = srcs[i]!;
          const b = srcs[j]!;
          const from = a.p!.from > b.p!.from ? a.p!.from : b.p!.from;
          const to = a.p!.to < b.p!.to ? a.p!.to : b.p!.to;
          if (from > to) continue;
          // Point at the end of the later-starting source's period that causes the overlap.
          const later = (b.s.period.from ?? '') >= (a.s.period.from ?? '') ? b : a;
          const other = later === b ? a : b;
          const at: Path = later.s.period.from !== undefined ? ['sources', later.s.id, 'period', 'from'] : ['sources', later.s.id, 'period'];
          out.push(
            problem(
              req,
              'source-periods-overlap',
              at,
              `the periods of ${later.s.name} and ${other.s.name} overlap from ${longDate(from)} to ${longDate(to)}: records in both systems (such as records migrated between them) would be counted twice`,
              `read each system only for the period it was the system of record: ${later.s.name} should start the day after ${other.s.name} ends${other.s.period.to ? ` (${addDays(other.s.period.to, 1)})` : ''}`,
            ),
          );
        }
      }
      return out;
    },
  },
  {
    code: 'source-periods-gap',
    description: "Days inside the request's period that no source is read for, or a period no source covers.",
    check(req) {
      if (req.sources.length === 0 || dateProblem(req.period.from) || dateProblem(req.period.to) || req.period.from > req.period.to) return [];
      if (req.sources.some((s) => dateProblemIn(s.period))) return [];
      const spans = req.sources
        .map((s) => effectivePeriod(s.period, req.period))
        .filter((p): p is { from: string; to: string } => p !== undefined)
        .sort((a, b) => (a.from < b.from ? -1 : 1));
      const gaps: { from: string; to: string }[] = [];
      let next = req.period.from;
      for (const p of spans) {
        if (p.from > next) gaps.push({ from: next, to: addDays(p.from, -1) });
        if (addDays(p.to, 1) > next) next = addDays(p.to, 1);
      }
      if (next <= req.period.to) gaps.push({ from: next, to: req.period.to });
      return gaps.map((g) =>
        problem(
          req,
          'source-periods-gap',
          ['criteria', 'period'],
          `no source is read for ${g.from === g.to ? longDate(g.from) : `${longDate(g.from)} to ${longDate(g.to)}`}, inside the request's period: records from those days would be missing from every figure`,
          "make the sources' periods meet (one starts the day after another ends), or add the source that held those records",
        ),
      );
    },
  },
  {
    code: 'source-unused',
    description: "A source whose period lies wholly outside the request's period, so it is never read.",
    check(req) {
      return req.sources
        .filter((s) => !dateProblemIn(s.period) && effectivePeriod(s.period, req.period) === undefined)
        .map((s) =>
          problem(req, 'source-unused', ['sources', s.id, 'period'], `${s.name} is never read: its period does not meet the request's period (${longDate(req.period.from)} to ${longDate(req.period.to)})`, 'remove the source, or correct its period', 'warning'),
        );
    },
  },
  {
    code: 'table-unused',
    description: 'A table that no question is answered by.',
    check(req) {
      const forEstimate = new Set((req.spec.cost_estimate?.activities ?? []).map((a) => a.records_from));
      return req.tables
        .filter((t) => t.questions.length === 0 && !forEstimate.has(t.id))
        .map((t) => problem(req, 'table-unused', ['tables', t.id], `the table "${t.id}" answers no question, so it is only in the annex`, 'name it in a question\'s answer.tables, or remove it', 'warning', true));
    },
  },
  {
    code: 'field-reserved',
    description: 'A field named like a time breakdown (year, financial_year, quarter, month).',
    check(req) {
      return Object.keys(req.spec.fields)
        .filter((f) => (BUCKETS as readonly string[]).includes(f))
        .map((f) => problem(req, 'field-reserved', ['fields', f], `a field cannot be called "${f}": that name means a breakdown of the period by ${f.replace('_', ' ')}`, `rename it, e.g. "${f}_recorded"`, 'error', true));
    },
  },
  {
    code: 'measure-field-type',
    description: 'A sum over a field that is not a number.',
    check(req) {
      return req.tables.flatMap((t) => {
        if (t.measure.kind !== 'sum') return [];
        const type = req.fields[t.measure.field]?.type;
        return type && type !== 'integer' && type !== 'number'
          ? [problem(req, 'measure-field-type', ['tables', t.id, 'measure', 'sum'], `cannot sum "${t.measure.field}": it is a ${type} field`, 'sum an integer or number field, or count instead (measure: count)')]
          : [];
      });
    },
  },
  {
    code: 'criterion-value-type',
    description: "A criterion value that is not of its field's type (a word for a number field, 31 September for a date).",
    check(req) {
      const out: Problem[] = [];
      for (const { path: p, cond } of specConditions(req)) {
        let node;
        try {
          node = parseCondition(cond, [...p]);
        } catch {
          continue;
        }
        for (const t of testsOf(node)) {
          const type = req.fields[t.field]?.type;
          if (!type || t.op === 'blank' || t.op === 'contains' || t.op === 'pattern') continue;
          const values = Array.isArray(t.value) ? t.value : [t.value];
          values.forEach((v, i) => {
            const why = valueTypeProblem(v, type);
            if (why) out.push(problem(req, 'criterion-value-type', Array.isArray(t.value) && t.op === 'equals' ? t.path : Array.isArray(t.value) ? [...t.path, i] : t.path, `${JSON.stringify(v)} ${why} (field "${t.field}" is ${type})`, typeHint(type)));
          });
        }
      }
      return out;
    },
  },
  {
    code: 'mapping-value-type',
    description: "A recoded value that is not of its field's type (values: { Y: maybe } for a boolean).",
    check(req) {
      const out: Problem[] = [];
      for (const s of req.sources) {
        for (const [field, m] of Object.entries(s.columns)) {
          const type = req.fields[field]?.type;
          if (!type) continue;
          for (const [from, to] of m.values ?? []) {
            if (to === null) continue;
            const why = valueTypeProblem(to, type);
            if (why) out.push(problem(req, 'mapping-value-type', ['sources', s.id, 'columns', field, 'values', from], `${JSON.stringify(to)} ${why} (field "${field}" is ${type})`, typeHint(type)));
          }
        }
      }
      return out;
    },
  },
  {
    code: 'regex-invalid',
    description: 'A regular expression (extract, pattern) that is not valid, or an extract without a group.',
    check(req) {
      const out: Problem[] = [];
      const check = (re: string, p: Path, needGroup: boolean) => {
        const why = regexProblem(re, needGroup);
        if (why) out.push(problem(req, 'regex-invalid', p, `the regular expression ${JSON.stringify(re)} ${why}`, needGroup ? 'put the part to keep in parentheses, e.g. "^Outcome (\\\\d+) - "' : 'check the brackets and backslashes (in YAML double quotes, write \\\\d for \\d)'));
      };
      for (const s of req.sources) {
        for (const [field, m] of Object.entries(s.columns)) if (m.extract !== undefined) check(m.extract, ['sources', s.id, 'columns', field, 'extract'], true);
      }
      for (const { path: p, cond } of specConditions(req)) {
        try {
          for (const t of testsOf(parseCondition(cond, [...p]))) if (t.op === 'pattern') check(String(t.value), t.path, false);
        } catch {
          // reported by condition-invalid
        }
      }
      return out;
    },
  },
  {
    code: 'date-format-invalid',
    description: 'A date format with a directive strptime does not know.',
    check(req) {
      const out: Problem[] = [];
      for (const s of req.sources) {
        for (const [field, m] of Object.entries(s.columns)) {
          if (m.format === undefined) continue;
          const bad = [...m.format.matchAll(/%(.)/g)].map((x) => x[1]!).filter((c) => !STRPTIME_DIRECTIVES.includes(c));
          if (!/%/.test(m.format) || bad.length) {
            out.push(problem(req, 'date-format-invalid', ['sources', s.id, 'columns', field, 'format'], bad.length ? `the date format "${m.format}" has unknown directive${bad.length > 1 ? 's' : ''} ${bad.map((c) => `%${c}`).join(', ')}` : `the date format "${m.format}" has no directives`, 'e.g. "%d-%b-%Y" reads 04-DEC-2017, "%d/%m/%Y" reads 04/12/2017'));
          }
        }
      }
      return out;
    },
  },
  {
    code: 'sheet-name',
    description: 'An annex sheet name Excel would not accept as written (over 31 characters, or : \\ / ? * [ ]).',
    check(req) {
      return Object.entries(req.spec.tables).flatMap(([id, t]) =>
        t.sheet !== undefined && safeSheetName(t.sheet) !== t.sheet
          ? [problem(req, 'sheet-name', ['tables', id, 'sheet'], `the sheet name "${t.sheet}" will be written as "${safeSheetName(t.sheet)}"`, 'Excel sheet names have at most 31 characters and none of : \\ / ? * [ ]', 'warning')]
          : [],
      );
    },
  },
  {
    code: 'letter-after-deadline',
    description: 'A letter dated after the statutory deadline (a warning: it can still be sent, late).',
    check(req) {
      const { received, letter_date } = req.spec;
      if (dateProblem(received) || dateProblem(letter_date)) return [];
      let due: string;
      try {
        due = deadlineOf(req).due;
      } catch (e) {
        if (!isFoiError(e)) throw e;
        // A limit the law does not allow (an extension under FOISA) is an error; a range the
        // bank holidays do not cover, a warning.
        const at = /extension/.test(e.code) ? ['extension'] : /clarified/.test(e.code) ? ['clarified'] : ['received'];
        return [problem(req, e.code === 'deadline-out-of-range' ? 'letter-after-deadline' : e.code, at, `the statutory deadline cannot be worked out: ${e.message}`, e.hint, e.code === 'deadline-out-of-range' ? 'warning' : 'error')];
      }
      return letter_date > due
        ? [problem(req, 'letter-after-deadline', ['letter_date'], `the letter is dated ${longDate(letter_date)}, after the statutory deadline of ${longDate(due)}`, 'the response is late: the letter apologises for the delay; check the received date if that is wrong', 'warning')]
        : [];
    },
  },
  {
    code: 'source-location',
    description: 'A source with neither a file nor a database table, or with both.',
    check(req) {
      return Object.entries(req.spec.sources).flatMap(([id, s]) =>
        (s.file === undefined) === (s.postgres === undefined)
          ? [problem(req, 'source-location', ['sources', id], s.file === undefined ? `the source "${id}" says neither where its file is nor which database table to read` : `the source "${id}" names both a file and a database table`, 'give either file: (an extract) or postgres: { url_env, table }', 'error', true)]
          : [],
      );
    },
  },
  {
    code: 'sources-mixed',
    description: 'Files and database tables in one request, or tables in different databases.',
    check(req) {
      const dbs = new Set(req.sources.map((s) => (s.kind === 'postgres' ? `postgres:${s.postgres!.urlEnv}` : 'file')));
      if (dbs.size <= 1) return [];
      const second = req.sources.find((s) => (s.kind === 'postgres' ? `postgres:${s.postgres!.urlEnv}` : 'file') !== [...dbs][0])!;
      return [
        problem(req, 'sources-mixed', ['sources', second.id], 'all the sources of one request must be files, or tables in the same database', 'a query runs where the data is: load the extracts into the database too, or export the tables as files', 'error', true),
      ];
    },
  },
  {
    code: 'postgres-date-format',
    description: 'A date format on a database column: dates there must be date columns or ISO text.',
    check(req) {
      return req.sources
        .filter((s) => s.kind === 'postgres')
        .flatMap((s) => Object.entries(s.columns).filter(([, m]) => m.format !== undefined).map(([f]) => problem(req, 'postgres-date-format', ['sources', s.id, 'columns', f, 'format'], 'a date format cannot be used on a database column', 'read the date from a date or timestamp column, or from text written YYYY-MM-DD')));
    },
  },
  {
    code: 'table-shape',
    description: 'A table with no rows breakdown, or an SQL table that also has rows, columns, measure or where.',
    check(req) {
      return Object.entries(req.spec.tables).flatMap(([id, t]) => {
        if (t.sql === undefined) {
          return t.rows === undefined ? [problem(req, 'table-shape', ['tables', id], `the table "${id}" needs "rows" (what its rows break the figures down by)`, 'e.g. rows: year', 'error', true)] : [];
        }
        const extra = (['rows', 'columns', 'measure', 'where'] as const).filter((k) => t[k] !== undefined);
        return extra.map((k) => problem(req, 'table-shape', ['tables', id, k], `the table "${id}" has its own sql, so "${k}" would be ignored`, 'say it in the SQL instead (use rows_label / columns_label for the headings)', 'error', true));
      });
    },
  },
  {
    code: 'exemption-unknown',
    description: "An exemption the request's law does not have (FOIA s40(2) under FOISA, say).",
    check(req) {
      return exemptionUses(req).flatMap(({ use, at }) =>
        findExemption(req.law, use.exemption)
          ? []
          : [problem(req, 'exemption-unknown', [...at, 'exemption'], `${req.law.name} has no exemption "${use.exemption}"`, didYouMean(use.exemption, req.law.exemptions.map((e) => e.id)) ?? `its exemptions: ${req.law.exemptions.map((e) => e.id).join(', ')}`)],
      );
    },
  },
  {
    code: 'exemption-harm-missing',
    description: 'A prejudice-based exemption without the harm test the letter must set out.',
    check(req) {
      return exemptionUses(req).flatMap(({ use, at }) => {
        const e = findExemption(req.law, use.exemption);
        return e?.basis === 'prejudice' && !use.harm?.trim()
          ? [problem(req, 'exemption-harm-missing', [...at, 'exemption'], `${e.section} is prejudice-based: say what harm disclosure would, or would be likely to, cause (harm:)`, e.harm ? `for example: ${e.harm}` : undefined)]
          : [];
      });
    },
  },
  {
    code: 'exemption-public-interest-missing',
    description: 'A qualified exemption without the public interest test and its conclusion.',
    check(req) {
      return exemptionUses(req).flatMap(({ use, at }) => {
        const e = findExemption(req.law, use.exemption);
        if (!e) return [];
        if (e.type === 'qualified' && !use.public_interest?.conclusion?.trim()) {
          return [problem(req, 'exemption-public-interest-missing', [...at, 'exemption'], `${e.section} is qualified: the letter must weigh the public interest and give the conclusion (public_interest: { conclusion: … })`, 'the factors for and against default to the law profile\'s; say where the balance lies for this request and why')];
        }
        if (e.type === 'absolute' && use.public_interest) {
          return [problem(req, 'exemption-public-interest-missing', [...at, 'public_interest'], `${e.section} is absolute: there is no public interest test, so this will not be printed`, 'remove public_interest', 'warning')];
        }
        return [];
      });
    },
  },
  {
    code: 'ncnd-not-available',
    description: 'Neither confirm nor deny under an exemption that has no such provision.',
    check(req) {
      return req.spec.questions.flatMap((q, i) =>
        q.answer.kind === 'neither_confirm_nor_deny'
          ? q.answer.exemptions.flatMap((use, j) => {
              const e = findExemption(req.law, use.exemption);
              return e && !e.ncnd_section
                ? [problem(req, 'ncnd-not-available', ['questions', i, 'answer', 'exemptions', j, 'exemption'], `${e.section} does not allow neither confirming nor denying that information is held`, 'rely on an exemption that has a neither-confirm-nor-deny provision (e.g. section 30(3), 31(3), 40(5))')]
                : [];
            })
          : [],
      );
    },
  },
  {
    code: 'cost-estimate',
    description: 'A refusal on cost without an estimate, under a law without a cost limit, or with an estimate within the limit.',
    check(req) {
      const refused = req.spec.questions.findIndex((q) => q.answer.kind === 'refused_cost');
      const est = req.spec.cost_estimate;
      const out: Problem[] = [];
      if (refused >= 0 && !est) {
        out.push(problem(req, 'cost-estimate', ['questions', refused, 'answer', 'kind'], 'a refusal on cost needs the estimate it rests on', 'add cost_estimate: { activities: [...], advice: ... } at the top level of the spec'));
      }
      if (!est) return out;
      if (req.law.cost_limit.kind === 'none') {
        return [...out, problem(req, 'cost-estimate', ['cost_estimate'], `${req.law.name} has no cost limit`, req.law.cost_limit.explanation, 'error', true)];
      }
      const tables = Object.keys(req.spec.tables);
      est.activities.forEach((a, i) => {
        if (a.records_from !== undefined && !tables.includes(a.records_from)) {
          out.push(problem(req, 'cost-estimate', ['cost_estimate', 'activities', i, 'records_from'], `there is no table "${a.records_from}" to count the records from`, didYouMean(a.records_from, tables) ?? `tables: ${tables.join(', ')}`));
        }
        if (a.records !== undefined && a.records_from !== undefined) {
          out.push(problem(req, 'cost-estimate', ['cost_estimate', 'activities', i], 'give records or records_from, not both', undefined, 'error', true));
        }
      });
      if (out.length || est.activities.some((a) => a.records_from !== undefined)) return out;
      try {
        const e = estimateCost(est.activities, req.law, { central_government: req.authority.central_government });
        if (!e.exceeds && refused >= 0) {
          out.push(problem(req, 'cost-estimate', ['cost_estimate'], `the estimate (${formatPounds(e.cost)}) does not exceed the limit of ${formatPounds(e.limit)}, so the request cannot be refused on cost`, 'answer the request, or check the estimate', 'error', true));
        }
      } catch (e) {
        if (!isFoiError(e)) throw e;
        const index = /cost activity (\d+)/.exec(e.message)?.[1];
        out.push(problem(req, e.code, index ? ['cost_estimate', 'activities', Number(index) - 1] : ['cost_estimate'], e.message, e.hint));
      }
      return out;
    },
  },
  {
    code: 'criteria-missing',
    description: 'Sources or tables without the criteria (period) they are read for, or tables without sources.',
    check(req) {
      const hasData = Object.keys(req.spec.sources).length > 0 || Object.keys(req.spec.tables).length > 0;
      if (hasData && !req.spec.criteria) {
        return [problem(req, 'criteria-missing', [], 'the spec has sources or tables but no criteria: which period do the figures cover?', 'add criteria: { period: { from: YYYY-MM-DD, to: YYYY-MM-DD } }')];
      }
      if (Object.keys(req.spec.tables).length > 0 && Object.keys(req.spec.sources).length === 0) {
        return [problem(req, 'criteria-missing', ['tables'], 'the spec has tables but no sources to count them from', 'add the extracts under sources', 'error', true)];
      }
      return [];
    },
  },
];
