/**
 * The pipeline, stage by stage: load and check the spec → open sources → run queries → render
 * the letter and annex in memory → write. Nothing before `write` touches the output folder.
 */
import path from 'node:path';
import { withContext, type Problem } from './errors.js';
import { openDuckDb } from './db/duckdb.js';
import { checkDataQuality, runQueries } from './query/run.js';
import { renderAnnex } from './render/annex.js';
import { renderLetter } from './render/letter.js';
import { ANNEX_FILE, buildView } from './render/view.js';
import { openSources } from './sources/index.js';
import { loadRequest } from './spec/load.js';
import type { DataQualityIssue, Request, ResultTable } from './types.js';
import { writeOutputs, type OutputFile } from './write/index.js';

export const LETTER_FILE = 'letter.docx';

export interface Response {
  request: Request;
  results: ResultTable[];
  quality: DataQualityIssue[];
  files: OutputFile[];
  warnings: Problem[];
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

/** Everything up to rendering: the response in memory. */
export async function buildResponse(req: Request): Promise<Response> {
  const db = await openDuckDb();
  try {
    const sources = await withContext('while reading the sources', () => openSources(req, db));
    const results = await runQueries(req, db, sources);
    const quality = await checkDataQuality(req, db, sources);
    const view = buildView(req, results);
    const letter = await withContext('while rendering the letter', () => renderLetter(req, view));
    const annex = await renderAnnex(req, results);
    return {
      request: req,
      results,
      quality,
      files: [
        { name: LETTER_FILE, data: letter.docx },
        { name: ANNEX_FILE, data: annex },
      ],
      warnings: [...req.warnings, ...qualityWarnings(req, quality)],
    };
  } finally {
    db.close();
  }
}

export interface RunOptions {
  out?: string;
  cwd?: string;
}

export interface RunResult extends Response {
  outDir: string;
  written: string[];
}

export function defaultOutDir(req: Request, cwd: string): string {
  // A reference such as "FOI/2019/12" or ".." must not reach outside output/.
  return path.resolve(cwd, 'output', req.reference.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_'));
}

export async function runRequest(specPath: string, opts: RunOptions = {}): Promise<RunResult> {
  const cwd = opts.cwd ?? process.cwd();
  const req = loadRequest(specPath, { cwd });
  const response = await buildResponse(req);
  const outDir = opts.out ? path.resolve(cwd, opts.out) : defaultOutDir(req, cwd);
  const written = writeOutputs(outDir, response.files);
  return { ...response, outDir, written };
}
