/** Step two of loading: resolve every default, so later stages never guess. */
import path from 'node:path';
import type { ColumnMapT, MeasureT, SpecT } from './schema.js';
import { BUCKETS } from './schema.js';
import { loadProfile } from '../law/profiles.js';
import type { Bucket, ColumnMapping, Dimension, Measure, Request, SourceDef, TableDef } from '../types.js';
import type { YamlSource } from './yaml.js';

export function normaliseColumn(map: ColumnMapT): ColumnMapping {
  if (typeof map === 'string') return { column: map, trim: true };
  return {
    column: map.column,
    trim: map.trim ?? true,
    case: map.case,
    extract: map.extract,
    format: map.format,
    values: map.values ? Object.entries(map.values) : undefined,
  };
}

export function parseDimension(name: string): Dimension {
  return (BUCKETS as readonly string[]).includes(name)
    ? { kind: 'bucket', bucket: name as Bucket }
    : { kind: 'field', field: name };
}

export function parseMeasure(m: MeasureT | undefined): Measure {
  if (m === undefined || m === 'count') return { kind: 'count' };
  if ('count_distinct' in m) return { kind: 'count_distinct', field: m.count_distinct };
  return { kind: 'sum', field: m.sum };
}

function defaultMeasureLabel(spec: SpecT, m: Measure): string {
  if (m.kind === 'count') return 'Number';
  const label = spec.fields[m.field]?.label ?? m.field;
  return m.kind === 'count_distinct' ? `Distinct ${label.toLowerCase()}s` : `Total ${label.toLowerCase()}`;
}

/** Excel's limits on sheet names: 31 characters, none of : \ / ? * [ ]. */
export function safeSheetName(name: string): string {
  return name.replace(/[:\\/?*[\]]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 31).trim() || 'Sheet';
}

export function normalise(spec: SpecT, yaml: YamlSource, specFile: string, specDir: string): Request {
  const questions = spec.questions.map((q, i) => ({ number: i + 1, text: q.text.trim(), answer: q.answer }));

  const usedBy = new Map<string, number[]>();
  for (const q of questions) {
    if (q.answer.kind === 'provided' || q.answer.kind === 'provided_in_part') {
      for (const t of q.answer.tables) usedBy.set(t, [...(usedBy.get(t) ?? []), q.number]);
    }
  }

  const sources: SourceDef[] = Object.entries(spec.sources).map(([id, s]) => {
    const ext = path.extname(s.file ?? '').toLowerCase();
    const byExtension: Record<string, SourceDef['format']> = {
      '.xlsx': 'xlsx',
      '.xlsm': 'xlsx',
      '.parquet': 'parquet',
      '.json': 'json',
      '.ndjson': 'ndjson',
      '.jsonl': 'ndjson',
    };
    const format = s.format ?? byExtension[ext] ?? 'csv';
    const pg = s.postgres;
    const [schema, table] = pg ? (pg.table.includes('.') ? pg.table.split('.') : ['public', pg.table]) : [];
    return {
      id,
      name: s.name,
      description: s.description,
      kind: pg ? 'postgres' : 'file',
      file: pg ? `postgres:${schema}.${table}` : (s.file ?? ''),
      path: pg || s.file === undefined ? '' : path.resolve(specDir, s.file),
      ...(pg ? { postgres: { urlEnv: pg.url_env, schema: schema!, table: table! } } : {}),
      format,
      csv: {
        delimiter: s.csv?.delimiter ?? (ext === '.tsv' ? '\t' : ','),
        quote: s.csv?.quote ?? '"',
        headerRow: s.csv?.header_row ?? 1,
        encoding: s.csv?.encoding ?? 'utf-8',
      },
      xlsx: { sheet: s.xlsx?.sheet, headerRow: s.xlsx?.header_row ?? 1 },
      period: s.period,
      dateBasis: s.date_basis,
      columns: Object.fromEntries(Object.entries(s.columns).map(([f, m]) => [f, normaliseColumn(m)])),
    };
  });

  const sheetNames = new Set<string>();
  const tables: TableDef[] = Object.entries(spec.tables).map(([id, t]) => {
    const measure = parseMeasure(t.measure);
    const qs = usedBy.get(id) ?? [];
    let sheet = safeSheetName(t.sheet ?? (qs.length ? `Q${qs.join('+Q')} ${t.title}` : t.title));
    // Sheet names must be unique in a workbook, compared without regard to case.
    for (let n = 2; sheetNames.has(sheet.toLowerCase()); n++) sheet = safeSheetName(`${sheet.slice(0, 27)} (${n})`);
    sheetNames.add(sheet.toLowerCase());
    return {
      id,
      title: t.title,
      sheet,
      rows: t.sql !== undefined ? { kind: 'result' as const, label: t.rows_label ?? 'Category' } : parseDimension(t.rows ?? ''),
      columns:
        t.sql !== undefined
          ? t.columns_label === undefined
            ? undefined
            : { kind: 'result' as const, label: t.columns_label }
          : t.columns === undefined
            ? undefined
            : parseDimension(t.columns),
      sql: t.sql,
      measure,
      measureLabel: t.measure_label ?? defaultMeasureLabel(spec, measure),
      where: t.where,
      inLetter: t.in_letter,
      note: t.note,
      questions: qs,
    };
  });

  return {
    specFile,
    specDir,
    yaml,
    spec,
    reference: spec.reference,
    title: spec.title,
    jurisdiction: spec.jurisdiction ?? 'foia',
    law: loadProfile(spec.jurisdiction ?? 'foia'),
    received: spec.received,
    letterDate: spec.letter_date,
    authority: spec.authority,
    requester: spec.requester ?? null,
    questions,
    search: spec.search ?? {},
    fields: spec.fields,
    periodField: spec.criteria?.period_field ?? 'date',
    // A request answered without data has no period of its own; nothing reads this one.
    period: spec.criteria?.period ?? { from: spec.received, to: spec.received },
    where: spec.criteria?.where,
    sources,
    tables,
    specText: '',
    overrides: [],
    warnings: [],
  };
}
