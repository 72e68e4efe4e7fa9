/**
 * Stage two: open every source as a relation the queries can read, with every column named by
 * position (c1…cN, in header order) so that no name from a file ever becomes SQL. CSV and Parquet
 * are read in place by DuckDB; workbooks, JSON and Windows-1252 CSV are parsed once into the
 * ingest cache (Parquet) and read from there on later runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import { FoiError, isFoiError, type Problem } from '../errors.js';
import type { Db } from '../db/duckdb.js';
import { ident } from '../db/duckdb.js';
import type { FieldType } from '../query/dialect.js';
import { Params } from '../query/params.js';
import type { Request, SourceDef } from '../types.js';
import { didYouMean } from '../util/suggest.js';
import { cacheEntry, FileHashes, readCached, writeCachedMeta } from './cache.js';
import { csvError, csvRelation, readCsvHeader, transcodeWindows1252 } from './csv.js';
import { readXlsxFile } from './xlsx.js';

/** A column of a source's relation: its SQL name, whether it holds text, and its native type. */
export interface RawColumn {
  sql: string;
  text: boolean;
  /** The field type the column holds natively, where known (then no conversion through text is needed). */
  native?: FieldType;
}

export interface OpenSource {
  def: SourceDef;
  header: string[];
  column(name: string): RawColumn;
  /** The relation to read FROM, its file paths bound as parameters of `p`. */
  relation(p: Params): string;
  /** Records in the file, where known without reading it all (not for CSV read in place). */
  rows: number | null;
  /** The file's fingerprint (a database table has none). */
  sha256: string | null;
  bytes: number | null;
  /** Read from the ingest cache instead of being parsed again. */
  cached: boolean;
}

export async function readHeader(src: SourceDef, db?: Db): Promise<string[]> {
  switch (src.format) {
    case 'xlsx':
      return readXlsxFile(src).header;
    case 'csv':
      return readCsvHeader(src);
    default: {
      const own = db ?? (await (await import('../db/duckdb.js')).openDuckDb());
      try {
        return (await describe(own, src)).map((c) => c.name);
      } finally {
        if (!db) own.close();
      }
    }
  }
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
    'json-unreadable': ['sources', src.id, 'file'],
    'ndjson-unreadable': ['sources', src.id, 'file'],
    'parquet-unreadable': ['sources', src.id, 'file'],
    'postgres-table-missing': ['sources', src.id, 'postgres', 'table'],
    'postgres-env-missing': ['sources', src.id, 'postgres', 'url_env'],
    'postgres-unreachable': ['sources', src.id, 'postgres', 'url_env'],
  };
  const at = inSpec[e.code];
  return { code: e.code, severity: 'error', message: e.message, hint: e.hint, location: at ? req.yaml.locate(at) : e.location };
}

interface Described {
  name: string;
  type: string;
}

function tableFunction(src: SourceDef, p: Params): string {
  if (src.format === 'parquet') return `read_parquet(${p.addSource(src.id, src.path)})`;
  const format = src.format === 'ndjson' ? 'newline_delimited' : 'array';
  return `read_json(${p.addSource(src.id, src.path)}, format = ${p.add(format)})`;
}

async function describe(db: Db, src: SourceDef): Promise<Described[]> {
  const p = new Params();
  try {
    const rows = await db.all(`DESCRIBE SELECT * FROM ${tableFunction(src, p)}`, p.values);
    return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
    throw new FoiError(`${src.format}-unreadable`, `"${src.file}" cannot be read as ${src.format === 'ndjson' ? 'newline-delimited JSON' : src.format.toUpperCase()}: ${msg.replace(/^[A-Za-z ]+Error: /, '')}`, {
      hint: src.format === 'parquet' ? 'is it a Parquet file? Check the extension and format' : 'check the file is valid JSON (an array of objects, or one object per line for NDJSON)',
      location: { file: src.file },
    });
  }
}

const positional = (n: number) => Array.from({ length: n }, (_, i) => `c${i + 1}`).join(', ');

interface Context {
  db: Db;
  hashes: FileHashes;
  cacheDir: string | undefined;
}

/** DuckDB column types a field can take without going through text. */
function duckNative(type: string): FieldType | undefined {
  if (type === 'VARCHAR') return 'text';
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(type)) return 'integer';
  if (/^(FLOAT|DOUBLE|DECIMAL)/.test(type)) return 'number';
  if (/^(DATE|TIMESTAMP)/.test(type)) return 'date';
  if (type === 'BOOLEAN') return 'boolean';
  return undefined;
}

function opened(def: SourceDef, header: string[], relation: (p: Params) => string, types: string[] | 'text', extra: Pick<OpenSource, 'rows' | 'sha256' | 'bytes' | 'cached'>): OpenSource {
  return {
    def,
    header,
    relation,
    column: (name) => {
      const i = header.indexOf(name);
      if (i < 0) throw new Error(`column ${name} not in ${def.file}`);
      const native = types === 'text' ? 'text' : duckNative(types[i]!);
      return { sql: `c${i + 1}`, text: native === 'text', native };
    },
    ...extra,
  };
}

/** A parsed source written to the ingest cache, when there is one that can be written. */
async function toCache(ctx: Context, def: SourceDef, sha256: string, selectSql: string, params: unknown[], header: string[]): Promise<string | undefined> {
  if (!ctx.cacheDir) return undefined;
  const entry = cacheEntry(ctx.cacheDir, sha256, { format: def.format, csv: def.csv, xlsx: def.xlsx });
  try {
    fs.mkdirSync(ctx.cacheDir, { recursive: true });
    const tmp = `${entry.parquet}.${process.pid}.tmp`;
    const p = params.length;
    await ctx.db.run(`COPY (${selectSql}) TO $${p + 1} (FORMAT parquet)`, [...params, tmp]);
    fs.renameSync(tmp, entry.parquet);
    const [{ n }] = (await ctx.db.all(`SELECT count(*) AS n FROM read_parquet($1)`, [entry.parquet])) as [{ n: string }];
    writeCachedMeta(entry, header, Number(n));
    return entry.parquet;
  } catch {
    return undefined;
  }
}

async function openOne(ctx: Context, def: SourceDef): Promise<OpenSource> {
  const { sha256, bytes } = ctx.hashes.hash(def.path);
  const entry = ctx.cacheDir ? cacheEntry(ctx.cacheDir, sha256, { format: def.format, csv: def.csv, xlsx: def.xlsx }) : undefined;
  const hit = entry && def.format !== 'parquet' && !(def.format === 'csv' && def.csv.encoding !== 'windows-1252') ? readCached(entry) : undefined;
  const table = `raw_${def.id}`;
  const fromTable = () => ident(table);
  if (hit) {
    // Into a table, as on a cache miss, so the selection's SQL is the same either way.
    await ctx.db.run(`CREATE TEMP TABLE ${ident(table)} AS SELECT * FROM read_parquet($1)`, [hit.parquet]);
    return opened(def, hit.header, fromTable, 'text', { rows: hit.rows, sha256, bytes, cached: true });
  }
  switch (def.format) {
    case 'csv': {
      const header = readCsvHeader(def);
      if (def.csv.encoding !== 'windows-1252') {
        return opened(def, header, (p) => csvRelation(def, header, p), 'text', { rows: null, sha256, bytes, cached: false });
      }
      const utf8 = transcodeWindows1252(def, ctx.cacheDir ?? os.tmpdir());
      try {
        const p = new Params();
        await ctx.db.run(`CREATE TEMP TABLE ${ident(table)} AS SELECT * FROM ${csvRelation(def, header, p, utf8)}`, p.values);
      } catch (e) {
        throw csvError(def, e);
      } finally {
        fs.rmSync(utf8, { force: true });
      }
      const [{ n }] = (await ctx.db.all(`SELECT count(*) AS n FROM ${ident(table)}`)) as [{ n: string }];
      await toCache(ctx, def, sha256, `SELECT * FROM ${ident(table)}`, [], header);
      return opened(def, header, fromTable, 'text', { rows: Number(n), sha256, bytes, cached: false });
    }
    case 'xlsx': {
      const { header, rows } = readXlsxFile(def);
      await ctx.db.run(`CREATE TEMP TABLE ${ident(table)} (${header.map((_, i) => `c${i + 1} VARCHAR`).join(', ')})`);
      await ctx.db.appendText(table, rows);
      await toCache(ctx, def, sha256, `SELECT * FROM ${ident(table)}`, [], header);
      return opened(def, header, fromTable, 'text', { rows: rows.length, sha256, bytes, cached: false });
    }
    case 'parquet':
    case 'json':
    case 'ndjson': {
      const cols = await describe(ctx.db, def);
      const header = cols.map((c) => c.name);
      if (def.format === 'parquet') {
        const p = new Params();
        const [{ n }] = (await ctx.db.all(`SELECT count(*) AS n FROM ${tableFunction(def, p)}`, p.values)) as [{ n: string }];
        return opened(def, header, (q) => `(SELECT * FROM ${tableFunction(def, q)} AS t(${positional(header.length)}))`, cols.map((c) => c.type), { rows: Number(n), sha256, bytes, cached: false });
      }
      // JSON is parsed once, into the cache, as text (nested values as their JSON text).
      const p = new Params();
      const select = `SELECT ${cols.map((_, i) => `CAST(c${i + 1} AS VARCHAR) AS c${i + 1}`).join(', ')} FROM ${tableFunction(def, p)} AS t(${positional(header.length)})`;
      await ctx.db.run(`CREATE TEMP TABLE ${ident(table)} AS ${select}`, p.values);
      const [{ n }] = (await ctx.db.all(`SELECT count(*) AS n FROM ${ident(table)}`)) as [{ n: string }];
      await toCache(ctx, def, sha256, `SELECT * FROM ${ident(table)}`, [], header);
      return opened(def, header, fromTable, 'text', { rows: Number(n), sha256, bytes, cached: false });
    }
  }
}

export interface OpenOptions {
  /** The ingest cache folder; none means parse every time. */
  cacheDir?: string;
  hashes?: FileHashes;
}

export async function openSources(req: Request, db: Db, opts: OpenOptions = {}): Promise<OpenSource[]> {
  const ctx: Context = { db, cacheDir: opts.cacheDir, hashes: opts.hashes ?? new FileHashes() };
  const result: OpenSource[] = [];
  const problems: Problem[] = [];
  for (const def of req.sources) {
    try {
      const src = await openOne(ctx, def);
      const missing = missingColumnProblems(req, def, src.header);
      if (missing.length) problems.push(...missing);
      else result.push(src);
    } catch (e) {
      if (!isFoiError(e)) throw e;
      problems.push(sourceProblem(req, def, e));
    }
  }
  if (problems.length) throw FoiError.fromProblems(problems, problems[0]!.message);
  return result;
}
