/**
 * Stage two: open every source into the embedded database as a raw table of text columns
 * (c1…cN, in header order), and check that every column the spec maps is there.
 */
import { FoiError, isFoiError, type Problem } from '../errors.js';
import type { Db } from '../db/duckdb.js';
import { ident } from '../db/duckdb.js';
import type { Request, SourceDef } from '../types.js';
import { didYouMean } from '../util/suggest.js';
import { ingestCsv, readCsvHeader } from './csv.js';
import { ingestXlsx, readXlsxHeader } from './xlsx.js';

export interface OpenSource {
  def: SourceDef;
  /** The raw table in the database. */
  table: string;
  header: string[];
  /** Source column name → raw table column (c1…cN). */
  column(name: string): string;
  rows: number;
}

export async function readHeader(src: SourceDef): Promise<string[]> {
  return src.format === 'xlsx' ? readXlsxHeader(src) : readCsvHeader(src);
}

/** Mapped columns that the header does not have, located in the spec. */
export function missingColumnProblems(req: Request, src: SourceDef, header: string[]): Problem[] {
  const problems: Problem[] = [];
  for (const [field, m] of Object.entries(src.columns)) {
    if (header.includes(m.column)) continue;
    const rawMap = req.spec.sources[src.id]?.columns[field];
    const at = typeof rawMap === 'string' ? ['sources', src.id, 'columns', field] : ['sources', src.id, 'columns', field, 'column'];
    problems.push({
      code: 'source-column-unknown',
      severity: 'error',
      message: `"${src.file}" has no column "${m.column}" (mapped to field "${field}")`,
      hint: didYouMean(m.column, header) ?? `its columns: ${header.join(', ')}`,
      location: req.yaml.locate(at),
    });
  }
  return problems;
}

/**
 * A problem found in a data file, placed where it is best fixed: a missing sheet or header row at
 * the spec's line that names it, a bad row in the data file itself.
 */
export function sourceProblem(req: Request, src: SourceDef, e: FoiError): Problem {
  const inSpec: Record<string, (string | number)[]> = {
    'xlsx-sheet-missing': ['sources', src.id, 'xlsx', 'sheet'],
    'xlsx-no-header': ['sources', src.id, 'xlsx', 'header_row'],
    'csv-no-header': ['sources', src.id, 'csv', 'header_row'],
    'xlsx-not-workbook': ['sources', src.id, 'file'],
    'xlsx-too-large': ['sources', src.id, 'file'],
    'csv-binary': ['sources', src.id, 'file'],
  };
  const at = inSpec[e.code];
  return { code: e.code, severity: 'error', message: e.message, hint: e.hint, location: at ? req.yaml.locate(at) : e.location };
}

export async function openSources(req: Request, db: Db): Promise<OpenSource[]> {
  const opened: OpenSource[] = [];
  const problems: Problem[] = [];
  for (const def of req.sources) {
    const table = `raw_${def.id}`;
    let header: string[];
    try {
      if (def.format === 'xlsx') {
        header = await ingestXlsx(db, def, table);
      } else {
        header = readCsvHeader(def);
        const missing = missingColumnProblems(req, def, header);
        if (missing.length) {
          problems.push(...missing);
          continue;
        }
        await ingestCsv(db, def, table, header);
      }
    } catch (e) {
      if (!isFoiError(e)) throw e;
      problems.push(sourceProblem(req, def, e));
      continue;
    }
    problems.push(...missingColumnProblems(req, def, header));
    const [{ n }] = (await db.all(`SELECT count(*) AS n FROM ${ident(table)}`)) as [{ n: string }];
    opened.push({
      def,
      table,
      header,
      column: (name) => {
        const i = header.indexOf(name);
        if (i < 0) throw new Error(`column ${name} not in ${def.file}`);
        return `c${i + 1}`;
      },
      rows: Number(n),
    });
  }
  if (problems.length) throw FoiError.fromProblems(problems, problems[0]!.message);
  return opened;
}
