/**
 * The request spec's schema: the one source of truth for what a spec may contain. The validator,
 * the TypeScript types and the JSON Schema for editors (`foi schema`) are all derived from it.
 */
import { z } from 'zod';

const d = (description: string) => ({ description });

export const ID_PATTERN = /^[a-z][a-z0-9_]*$/;
const id = (what: string) =>
  z
    .string()
    .regex(ID_PATTERN, `${what} must start with a lower-case letter and use only a-z, 0-9 and _`);

/** Checked for shape here; whether the day exists (no 31 September) is a rule, so it is located. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date must be written YYYY-MM-DD, e.g. 2019-09-30')
  .meta(d('A calendar date, YYYY-MM-DD.'));

export const Period = z
  .strictObject({
    from: IsoDate.meta(d('First day, inclusive.')),
    to: IsoDate.meta(d('Last day, inclusive.')),
  })
  .meta(d('A range of days, both ends inclusive.'));

export const SourcePeriod = z
  .strictObject({
    from: IsoDate.optional().meta(d('First day this system was the system of record (default: from the start of the request\'s period).')),
    to: IsoDate.optional().meta(d('Last day it was (default: it still is).')),
  })
  .meta(d('When a system was the system of record; an open end means "since" or "until".'));

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

export const FIELD_TYPES = ['text', 'date', 'integer', 'number', 'boolean'] as const;
export const Field = z
  .strictObject({
    type: z.enum(FIELD_TYPES).meta(d('What the values are once mapped: text, date, integer, number or boolean.')),
    label: z.string().optional().meta(d('How the field is named in the letter and annex, e.g. "Offence".')),
    values: z
      .record(z.string(), z.string())
      .optional()
      .meta(
        d(
          'The categories of this field in display order, code → description (one description per code across every source). Every category listed appears in a breakdown even when its count is 0.',
        ),
      ),
    blank_label: z
      .string()
      .optional()
      .meta(d('Label of the category for records where this field is blank, e.g. "Investigation ongoing".')),
  })
  .meta(d('A field of the one schema every source is mapped onto.'));

export const ColumnMap = z.union([
  z.string().meta(d('The source column holding this field, taken as it is (trimmed).')),
  z
    .strictObject({
      column: z.string().meta(d('The source column, exactly as in the header.')),
      trim: z.boolean().optional().meta(d('Strip surrounding spaces before anything else (default true).')),
      case: z.enum(['upper', 'lower']).optional().meta(d('Fold case before matching values, for hand-keyed codes.')),
      extract: z
        .string()
        .optional()
        .meta(d('A regular expression whose first group is the value, e.g. "^Outcome (\\\\d+) - " for "Outcome 1 - Charged".')),
      format: z
        .string()
        .optional()
        .meta(d('For dates held as text: a strptime format, e.g. "%d-%b-%Y" for 04-DEC-2017. Excel date cells need none.')),
      values: z
        .record(z.string(), z.union([Scalar, z.null()]))
        .optional()
        .meta(d('Recode values after trim and case: source value → field value; null means blank (no value yet).')),
    })
    .meta(d('A source column with value normalisation.')),
]);

export const CsvOptions = z.strictObject({
  delimiter: z.string().min(1).max(1).optional().meta(d('Field separator (default ",").')),
  quote: z.string().min(1).max(1).optional().meta(d('Quote character (default \'"\').')),
  header_row: z.number().int().min(1).optional().meta(d('Row number of the header (default 1).')),
  encoding: z
    .enum(['utf-8', 'windows-1252', 'latin-1'])
    .optional()
    .meta(d('Text encoding (default utf-8; a byte-order mark is ignored).')),
});

export const XlsxOptions = z.strictObject({
  sheet: z.string().optional().meta(d('Worksheet name (default: the first sheet).')),
  header_row: z.number().int().min(1).optional().meta(d('Row number of the header (default 1).')),
});

export const Source = z
  .strictObject({
    name: z.string().meta(d('The system\'s name as the letter gives it, e.g. "CMS(ii)".')),
    description: z.string().optional().meta(d('What the system is, for the letter, e.g. "our legacy crime system".')),
    file: z.string().optional().meta(d('The extract, relative to the spec\'s folder (or give `postgres`).')),
    postgres: z
      .strictObject({
        url_env: z
          .string()
          .regex(/^[A-Z_][A-Z0-9_]*$/, 'the name of an environment variable, e.g. FOI_PG_URL')
          .meta(d('The environment variable holding the connection URL (postgres://user@host/db). Never put a password in the spec.')),
        table: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/, 'a table name, optionally schema.table')
          .meta(d('The table or view, e.g. crime.cms_crimes.')),
      })
      .optional()
      .meta(d('Read the source from a PostgreSQL table: the query runs in the database and only the figures come back.')),
    format: z
      .enum(['csv', 'xlsx', 'parquet', 'json', 'ndjson'])
      .optional()
      .meta(d('File format (default: from the extension: .csv, .tsv, .xlsx, .parquet, .json, .ndjson or .jsonl).')),
    csv: CsvOptions.optional(),
    xlsx: XlsxOptions.optional(),
    period: SourcePeriod.meta(
      d('When this system was the system of record. Only records dated in it are read, so records migrated between systems are never counted twice.'),
    ),
    date_basis: z.string().optional().meta(d('Which date the period applies to, in words, e.g. "statistics date".')),
    columns: z
      .record(z.string(), ColumnMap)
      .meta(d('Field → source column (and its normalisation), for every field of `fields` this source holds.')),
  })
  .meta(d('A data source: one extract, mapped onto the common fields.'));

export type ConditionT = { [field: string]: unknown };
export const Test = z.union([
  Scalar.meta(d('Equals this value.')),
  z.array(Scalar).meta(d('Is one of these values.')),
  z
    .strictObject({
      equals: Scalar.optional(),
      not: Scalar.optional().meta(d('Is not this value.')),
      in: z.array(Scalar).optional(),
      not_in: z.array(Scalar).optional(),
      between: z.tuple([Scalar, Scalar]).optional().meta(d('Inclusive range.')),
      before: Scalar.optional().meta(d('Strictly less / earlier.')),
      after: Scalar.optional().meta(d('Strictly greater / later.')),
      from: Scalar.optional().meta(d('Greater or equal / on or after.')),
      to: Scalar.optional().meta(d('Less or equal / on or before.')),
      blank: z.boolean().optional().meta(d('true: has no value; false: has a value.')),
      contains: z.string().optional().meta(d('Text contains this, ignoring case.')),
      pattern: z.string().optional().meta(d('Text matches this regular expression.')),
    })
    .meta(d('Tests on one field, all of which must hold.')),
]);

export const Condition: z.ZodType<ConditionT> = z.lazy(() =>
  z
    .record(z.string(), z.union([Test, z.array(Condition), Condition]))
    .meta(
      d('Field → test, all of which must hold. Special keys: `all` and `any` (lists of conditions), `not` (a condition).'),
    ),
);

export const BUCKETS = ['year', 'financial_year', 'quarter', 'month'] as const;

export const Measure = z.union([
  z.literal('count').meta(d('Number of records.')),
  z.strictObject({ count_distinct: z.string().meta(d('Number of distinct values of this field.')) }),
  z.strictObject({ sum: z.string().meta(d('Sum of this numeric field.')) }),
]);

export const Table = z
  .strictObject({
    title: z.string().meta(d('Title of the table, in the letter and in A1 of its annex sheet.')),
    sheet: z.string().optional().meta(d('Annex sheet name (default: from the question, e.g. "Q1").')),
    rows: z
      .string()
      .optional()
      .meta(d('Breakdown down the rows: year, financial_year, quarter, month (of the period field) or a field name. Required unless `sql` is given.')),
    columns: z.string().optional().meta(d('Optional breakdown across the columns, for a cross-tab.')),
    measure: Measure.optional().meta(d('What each cell counts (default: count).')),
    measure_label: z.string().optional().meta(d('Column heading of the figure, e.g. "Crimes" (default from the measure).')),
    where: Condition.optional().meta(d('Further conditions for this table, on top of the request\'s criteria.')),
    in_letter: z.boolean().optional().meta(d('Show the table in the letter too (default: when it is small).')),
    note: z.string().optional().meta(d('A note printed under the table.')),
    sql: z
      .string()
      .optional()
      .meta(
        d(
          'The escape hatch: one SELECT over `records` (the request\'s records after its periods and criteria, one column per field) returning columns `row`, optionally `col`, and `value`. Totals are the sums of the values returned.',
        ),
      ),
    rows_label: z.string().optional().meta(d('For an `sql` table: the heading of its rows.')),
    columns_label: z.string().optional().meta(d('For an `sql` table that returns `col`: the heading of its columns.')),
  })
  .meta(d('A table of figures: a query over the mapped sources, broken down by rows (and columns).'));

export const ExemptionUse = z
  .strictObject({
    exemption: z.string().meta(d('The exemption (or EIR exception) relied on, as the law profile names it: s40(2), s31, reg12(5)(b)…')),
    applies_to: z.string().optional().meta(d('What is withheld, e.g. "the names of the officers".')),
    reason: z.string().meta(d('Why the exemption applies to this information (section 17 requires it).')),
    harm: z
      .string()
      .optional()
      .meta(d('For a prejudice-based exemption: the harm disclosure would, or would be likely to, cause, and how.')),
    public_interest: z
      .strictObject({
        for: z.array(z.string()).optional().meta(d('Factors favouring disclosure (default: the law profile\'s).')),
        against: z.array(z.string()).optional().meta(d('Factors favouring the exemption (default: the law profile\'s).')),
        conclusion: z.string().meta(d('Where the balance lies, and why.')),
      })
      .optional()
      .meta(d('For a qualified exemption: the public interest test.')),
  })
  .meta(d('An exemption relied on, with what section 17 requires the letter to say about it.'));

const exemptions = z.array(ExemptionUse).min(1);
const tables = z.array(z.string()).min(1).meta(d('Ids of the tables that answer the question.'));
const note = z.string().optional();

export const Answer = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('provided'),
    tables,
    note: note.meta(d('Explanation printed before the figures.')),
  }),
  z.strictObject({
    kind: z.literal('provided_in_part'),
    tables,
    note: note.meta(d('Explanation printed before the figures.')),
    withheld: exemptions.meta(d('What is withheld, and under which exemptions.')),
  }),
  z.strictObject({
    kind: z.literal('not_held'),
    note: note.meta(d('Why the information is not held.')),
    advice: z.string().optional().meta(d('Advice and assistance (FOIA section 16): who may hold it, how to get it.')),
  }),
  z.strictObject({
    kind: z.literal('exempt'),
    note,
    exemptions,
  }),
  z.strictObject({
    kind: z.literal('neither_confirm_nor_deny'),
    note,
    exemptions: exemptions.meta(d('The exemptions whose neither-confirm-nor-deny provision applies.')),
  }),
  z.strictObject({
    kind: z.literal('refused_cost'),
    note: note.meta(d('Anything to add; the calculation comes from cost_estimate.')),
  }),
  z.strictObject({
    kind: z.literal('refused_vexatious'),
    note: z.string().meta(d('Why the request is vexatious: its burden, motive, value and effect, in plain words.')),
  }),
  z.strictObject({
    kind: z.literal('refused_repeated'),
    note,
    previous: z.strictObject({ reference: z.string(), date: IsoDate }).meta(d('The earlier identical request and when it was answered.')),
  }),
  z.strictObject({
    kind: z.literal('already_published'),
    note,
    where: z.string().meta(d('Where the information is published (a web address, a publication).')),
  }),
]);

export const CostEstimate = z
  .strictObject({
    activities: z
      .array(
        z.strictObject({
          activity: z.enum(['determining', 'locating', 'retrieving', 'extracting']).meta(d('One of the activities whose cost counts.')),
          description: z.string().meta(d('What the work is, e.g. "reading the free text of each crime record".')),
          records: z.number().int().nonnegative().optional().meta(d('How many records, where the officer counted them.')),
          records_from: z.string().optional().meta(d('A table whose total is the number of records (counted from the data).')),
          minutes_each: z.number().positive().optional().meta(d('Minutes per record (from a sample).')),
          hours: z.number().positive().optional().meta(d('Or: hours for the whole activity.')),
        }),
      )
      .min(1),
    advice: z.string().meta(d('Advice and assistance: how the request could be narrowed to come within the limit.')),
  })
  .meta(d('The estimate of the cost of compliance that a refusal under the cost limit (FOIA section 12) rests on.'));

export const Question = z.strictObject({
  text: z.string().meta(d('The question word for word as the requester asked it.')),
  answer: Answer,
});

export const Authority = z.strictObject({
  name: z.string(),
  unit: z.string().optional().meta(d('e.g. "Freedom of Information Unit".')),
  address: z.array(z.string()).meta(d('Postal address, one line per item.')),
  email: z.string().optional(),
  phone: z.string().optional(),
  website: z.string().optional(),
  central_government: z
    .boolean()
    .optional()
    .meta(d('A central government body (FOIA Schedule 1 Part I): the cost limit is £600, not £450.')),
  signatory: z.strictObject({
    name: z.string(),
    role: z.string().meta(d('e.g. "Freedom of Information Officer".')),
  }),
});

export const Requester = z
  .strictObject({
    name: z.string(),
    address: z.array(z.string()).optional(),
    email: z.string().optional(),
  })
  .meta(d('Personal data of the person who asked: kept in its own block so published copies can leave it out.'));

export const Search = z.strictObject({
  by: z.string().optional().meta(d('Who searched, e.g. "our Crime Management Data Returns Officer".')),
  note: z.string().optional().meta(d('Why the criteria are what they are, in words for the requester.')),
});

export const Spec = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1).meta(d('Version of the spec format; 1.')),
    reference: z.string().min(1).meta(d('The request\'s reference number.')),
    title: z.string().meta(d('What the request is about, in a few words.')),
    jurisdiction: z
      .enum(['foia', 'foisa', 'eir'])
      .optional()
      .meta(d('The law the request is answered under: foia (default), foisa (Scotland) or eir (environmental information).')),
    received: IsoDate.meta(d('The day the request was received.')),
    letter_date: IsoDate.meta(d('The date of the response letter.')),
    clarified: IsoDate.optional().meta(d('The day clarification of the request was received: the time limit runs from the next day.')),
    extension: z
      .strictObject({
        working_days: z.number().int().positive().meta(d('Further working days taken (FOIA: to consider the public interest; EIR: complex and voluminous, up to 40 in all).')),
        reason: z.string(),
      })
      .optional()
      .meta(d('An extension of the time limit, where the law allows one.')),
    cost_estimate: CostEstimate.optional(),
    authority: Authority,
    requester: Requester.optional(),
    questions: z.array(Question).min(1).meta(d('The questions, in the requester\'s order and words.')),
    search: Search.optional(),
    fields: z.record(id('a field name'), Field).default({}).meta(d('The common fields every source is mapped onto (none for a request answered without data).')),
    sources: z.record(id('a source id'), Source).default({}).meta(d('The data sources, by id (none for a request answered without data, e.g. neither confirm nor deny).')),
    data_folders: z
      .array(z.string())
      .optional()
      .meta(d("Folders outside the spec's own from which sources may also be read (absolute, or relative to the spec). Without it, every source must be inside the spec's folder.")),
    criteria: z
      .strictObject({
        period: Period.meta(d('The period the request asks about.')),
        period_field: z.string().optional().meta(d('The date field the periods apply to (default "date").')),
        where: Condition.optional().meta(d('Conditions every record counted must meet.')),
      })
      .optional()
      .meta(d('The search criteria that apply to every table (required when there are sources).')),
    tables: z.record(id('a table id'), Table).default({}).meta(d('The tables of figures, by id.')),
  })
  .meta(d('An FOI request and how to answer it.'));

export type SpecInput = z.input<typeof Spec>;
export type SpecT = z.output<typeof Spec>;
export type SourceT = z.output<typeof Source>;
export type FieldT = z.output<typeof Field>;
export type TableT = z.output<typeof Table>;
export type ColumnMapT = z.output<typeof ColumnMap>;
export type AnswerT = z.output<typeof Answer>;
export type ExemptionUseT = z.output<typeof ExemptionUse>;
export type CostEstimateT = z.output<typeof CostEstimate>;
export type MeasureT = z.output<typeof Measure>;
export type PeriodT = z.output<typeof Period>;
export type SourcePeriodT = z.output<typeof SourcePeriod>;
