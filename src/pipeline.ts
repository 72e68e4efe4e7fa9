/**
 * The pipeline, stage by stage: load and check the spec → open sources → run queries → render
 * the letter, annex and record in memory → write a new version. Nothing before `write` touches
 * the output folder, so a failure anywhere leaves it as it was.
 */
import os from 'node:os';
import path from 'node:path';
import { FOI_VERSION, LAW_DIR, PACKAGE_ROOT } from './paths.js';
import { deadlineOf } from './spec/rules.js';
import { mark, resetTimings, takeTimings } from './timing.js';
import { FoiError, withContext, type Problem } from './errors.js';
import { openDuckDb, type Db } from './db/duckdb.js';
import { runQueries, shapeTable, type QueryResult } from './query/run.js';
import { cacheDir, FileHashes } from './sources/cache.js';
import { checkCsv, isCsvError } from './sources/csv.js';
import { templateSet, type TemplateSet } from './render/templates.js';
import { ANNEX_FILE, buildView } from './render/view.js';
import { normaliseOfficeZip, pinnedDate } from './render/zip.js';
import { hashFile, manifestJson, MANIFEST_FILE, SPEC_COPY, sha256, type HashedFile, type Manifest } from './record/manifest.js';
import { resultsToCsv } from './record/results.js';
import { missingColumnProblems, openSources, sourceProblem, type OpenSource } from './sources/index.js';
import { loadValidRequest } from './spec/validate.js';
import type { Override } from './spec/overrides.js';
import type { DataQualityIssue, Request, ResultTable, SourceDef } from './types.js';
import { writeVersion, type OutputFile } from './write/versions.js';

export const LETTER_FILE = 'letter.docx';
export { FOI_VERSION, PACKAGE_ROOT };

export interface Response {
  request: Request;
  queryResults: QueryResult[];
  tables: ResultTable[];
  quality: DataQualityIssue[];
  warnings: Problem[];
  /** Every output but the manifest, in the order the manifest lists them. */
  files: OutputFile[];
  manifest: Manifest;
}

function qualityWarnings(req: Request, quality: DataQualityIssue[]): Problem[] {
  return quality.map((q) => {
    const src = req.sources.find((s) => s.id === q.source)!;
    return {
      code: 'data-unrecognised',
      severity: 'warning',
      message: `${q.count} value${q.count === 1 ? '' : 's'} of column "${q.column}" in "${src.file}" could not be read as field "${q.field}" (e.g. ${q.examples.map((e) => JSON.stringify(e)).join(', ')}); those records have no ${q.field}`,
      hint: `map them under sources.${q.source}.columns.${q.field}.values, or correct the extract`,
      location: req.yaml.locate(['sources', q.source, 'columns', q.field]),
    };
  });
}

const relTo = (base: string, file: string) => path.relative(base, file).split(path.sep).join('/');

function hashTemplates(templates: TemplateSet): HashedFile[] {
  return templates.files.map((f) => ({ path: relTo(PACKAGE_ROOT, f), ...hashFile(f) }));
}

export const resultFile = (tableId: string) => `results/${tableId}.csv`;

/** The law's files a response depends on: its profile and the bank holidays its deadline counts. */
function lawFiles(req: Request): string[] {
  return [path.join(LAW_DIR, `${req.jurisdiction}.yaml`), path.join(LAW_DIR, 'uk-bank-holidays.json')];
}

interface Basis {
  mode: Manifest['mode'];
  renderedFrom?: string;
  duckdb: string | null;
  /** The database the queries ran in, when not embedded DuckDB. */
  database?: string;
  sources: Manifest['sources'];
  selection: Manifest['selection'];
  cwd: string;
}

/** The modules that render documents (docx, exceljs) load while the database works. */
function preloadRenderModules(): Promise<unknown> {
  return Promise.all([import('./render/letter.js'), import('./render/annex.js'), import('exceljs'), import('gray-matter')]).catch(() => undefined);
}

/** Render and record: the documents, the stored results and the manifest, all in memory. */
async function finish(
  req: Request,
  queryResults: QueryResult[],
  quality: DataQualityIssue[],
  warnings: Problem[],
  basis: Basis,
  templates: TemplateSet,
): Promise<Response> {
  const tables = queryResults.map((q) => shapeTable(req, q));
  const date = pinnedDate(req.letterDate);
  const deadline = deadlineOf(req);
  const view = buildView(req, tables, deadline);
  const [{ renderLetter }, { renderAnnex }] = await Promise.all([import('./render/letter.js'), import('./render/annex.js')]);
  const letter = await withContext('while rendering the letter', () => renderLetter(req, view, templates));
  mark('letter');
  // The annex holds the tables that answer questions (a count behind a cost estimate is kept with
  // the results, not sent); a response with none has no annex.
  const annexed = tables.filter((t) => t.questions.length > 0);
  const annex = annexed.length ? await renderAnnex(req, annexed, date) : undefined;
  mark('annex');
  const results = queryResults.map((q) => ({ q, name: resultFile(q.table.id), csv: resultsToCsv(q.rows) }));
  const files: OutputFile[] = [
    { name: LETTER_FILE, data: normaliseOfficeZip(letter.docx, date) },
    ...(annex ? [{ name: ANNEX_FILE, data: normaliseOfficeZip(annex, date) }] : []),
    { name: SPEC_COPY, data: req.specText },
    ...results.map((r) => ({ name: r.name, data: r.csv })),
  ];
  const manifest: Manifest = {
    schema_version: 1,
    reference: req.reference,
    mode: basis.mode,
    ...(basis.renderedFrom ? { rendered_from: basis.renderedFrom } : {}),
    tools: { foi: FOI_VERSION, node: process.version, duckdb: basis.duckdb, ...(basis.database ? { database: basis.database } : {}) },
    document_date: date.toISOString(),
    spec: { path: relTo(basis.cwd, path.resolve(basis.cwd, req.specFile)), sha256: sha256(req.specText), bytes: Buffer.byteLength(req.specText), copy: SPEC_COPY },
    overrides: req.overrides,
    templates: hashTemplates(templates),
    law: lawFiles(req).map((f) => ({ path: relTo(PACKAGE_ROOT, f), ...hashFile(f) })),
    sources: basis.sources,
    selection: basis.selection,
    queries: results.map(({ q, name, csv }) => ({
      table: q.table.id,
      questions: q.table.questions,
      sql: q.sql,
      params: q.params,
      rows: q.rows.length,
      result: name,
      sha256: sha256(csv),
    })),
    deadline: { law: deadline.law, received: req.received, ...(req.spec.clarified ? { clarified: req.spec.clarified } : {}), working_days: deadline.working_days, due: deadline.due, late: req.letterDate > deadline.due },
    warnings,
    outputs: files.map((f) => ({ path: f.name, sha256: sha256(f.data), bytes: Buffer.byteLength(f.data) })),
    metadata: { generated_at: '', host: '', platform: '', duration_ms: 0, command: [] },
  };
  return { request: req, queryResults, tables, quality, warnings, files, manifest };
}

/** Computes the response from the data. */
/** A query failed on a malformed CSV: find which file, and where, by reading each on its own. */
async function locateCsvError(db: Db, sources: OpenSource[], e: unknown): Promise<never> {
  if (isCsvError(e)) {
    for (const s of sources.filter((x) => x.def.format === 'csv' && x.def.csv.encoding !== 'windows-1252' && !x.cached)) {
      const problem = await checkCsv(db, s.def, s.header);
      if (problem) throw problem;
    }
  }
  throw e;
}

export interface BuildOptions {
  cwd?: string;
  templates?: TemplateSet;
  /** The ingest cache; `false` for none (every source parsed afresh). */
  cacheDir?: string | false;
}

/** Computes the response in the authority's PostgreSQL database: only the figures come back. */
async function buildFromPostgres(req: Request, cwd: string, templates: TemplateSet): Promise<Response> {
  const [{ openPostgres }, { openPostgresSource }] = await Promise.all([import('./db/postgres.js'), import('./sources/postgres.js')]);
  const renderModules = preloadRenderModules();
  // Problems are placed at the spec's line that names the database, table or column.
  const located = (def: SourceDef) => (e: unknown): never => {
    if (e instanceof FoiError && e.problems.length <= 1) throw FoiError.fromProblems([sourceProblem(req, def, e)]);
    throw e;
  };
  const engine = await openPostgres(req.sources[0]!.postgres!.urlEnv).catch(located(req.sources[0]!));
  try {
    const sources = [];
    for (const def of req.sources) sources.push(await openPostgresSource(engine, def).catch(located(def)));
    const problems = sources.flatMap((s) => missingColumnProblems(req, s.def, s.header));
    if (problems.length) throw FoiError.fromProblems(problems, problems[0]!.message);
    const run = await runQueries(req, engine, sources);
    const sourceRecords = sources.map((s) => ({ id: s.def.id, path: s.def.file, sha256: null, bytes: null, rows: null }));
    const warnings = [...req.warnings, ...qualityWarnings(req, run.quality)];
    await renderModules;
    return await finish(req, run.results, run.quality, warnings, { mode: 'run', duckdb: null, database: engine.version, sources: sourceRecords, selection: run.selection, cwd }, templates);
  } finally {
    await engine.close();
  }
}

/** Computes the response from the data. */
export async function buildResponse(req: Request, opts: BuildOptions = {}): Promise<Response> {
  const cwd = opts.cwd ?? process.cwd();
  if (req.sources.length === 0) {
    // Answered without data (a refusal, neither confirm nor deny): no database at all.
    return finish(req, [], [], req.warnings, { mode: 'run', duckdb: null, sources: [], selection: { sql: '', params: [] }, cwd }, opts.templates ?? templateSet());
  }
  if (req.sources.some((s) => s.kind === 'postgres')) return buildFromPostgres(req, cwd, opts.templates ?? templateSet());
  const cache = opts.cacheDir === false ? undefined : (opts.cacheDir ?? cacheDir(cwd));
  const hashes = new FileHashes(cache);
  // Rendering's modules load while the database works.
  const renderModules = preloadRenderModules();
  const db = await openDuckDb();
  try {
    const sources = await withContext('while reading the sources', () => openSources(req, db, { cacheDir: cache, hashes }));
    mark('open sources');
    const run = await runQueries(req, db, sources).catch((e: unknown) => locateCsvError(db, sources, e));
    mark('queries');
    if (cache) hashes.save();
    const sourceRecords = sources.map((s) => ({ id: s.def.id, path: relTo(cwd, s.def.path), sha256: s.sha256, bytes: s.bytes, rows: s.rows }));
    const warnings = [...req.warnings, ...qualityWarnings(req, run.quality)];
    await renderModules;
    return await finish(req, run.results, run.quality, warnings, { mode: 'run', duckdb: db.version, sources: sourceRecords, selection: run.selection, cwd }, opts.templates ?? templateSet());
  } finally {
    db.close();
  }
}

/** Rebuilds the documents from stored results (no data needed), e.g. after the templates changed. */
export async function rebuildResponse(
  req: Request,
  stored: { manifest: Manifest; queryResults: QueryResult[]; version: string },
  opts: { cwd?: string; templates?: TemplateSet } = {},
): Promise<Response> {
  const warnings = stored.manifest.warnings;
  return finish(
    req,
    stored.queryResults,
    [],
    warnings,
    { mode: 'render', renderedFrom: stored.version, duckdb: null, sources: stored.manifest.sources, selection: stored.manifest.selection, cwd: opts.cwd ?? process.cwd() },
    opts.templates ?? templateSet(),
  );
}

export interface RunOptions {
  out?: string;
  cwd?: string;
  overrides?: Override[];
  /** The command line, for the manifest's metadata. */
  command?: string[];
}

export interface RunResult extends Response {
  folder: string;
  version: string;
  dir: string;
  written: string[];
}

export function defaultOutDir(req: Request, cwd: string): string {
  // A reference such as "FOI/2019/12" or ".." must not reach outside output/.
  return path.resolve(cwd, 'output', req.reference.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_'));
}

/** Testing aid: FOI_TEST_WRITE_DELAY_MS slows writing so a test can kill a run part-way. */
function writeDelayHook(): ((name: string) => void) | undefined {
  const ms = Number(process.env.FOI_TEST_WRITE_DELAY_MS ?? 0);
  if (!ms) return undefined;
  return () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Writes a response as a new version of its response folder, with its manifest. */
export function writeResponse(response: Response, folder: string, started: number, command: string[]): RunResult {
  const manifest: Manifest = {
    ...response.manifest,
    metadata: {
      generated_at: new Date().toISOString(),
      host: os.hostname(),
      platform: `${process.platform}-${process.arch}`,
      duration_ms: Math.round(performance.now() - started),
      stages_ms: takeTimings(),
      command,
    },
  };
  const files = [...response.files, { name: MANIFEST_FILE, data: manifestJson(manifest) }];
  const { version, dir } = writeVersion(folder, files, { afterFile: writeDelayHook() });
  mark('write');
  return { ...response, manifest, folder, version, dir, written: files.map((f) => path.join(dir, f.name)) };
}

export async function runRequest(specPath: string, opts: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const cwd = opts.cwd ?? process.cwd();
  // Columns are checked when the sources are opened, so validation need not read the data first.
  resetTimings();
  const req = await loadValidRequest(specPath, { cwd, overrides: opts.overrides, data: false });
  mark('load spec');
  const response = await buildResponse(req, { cwd });
  const folder = opts.out ? path.resolve(cwd, opts.out) : defaultOutDir(req, cwd);
  return writeResponse(response, folder, started, opts.command ?? []);
}
