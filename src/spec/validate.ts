/**
 * Full validation of a spec, as `foi validate` runs it: the three loading steps, then the spec
 * against its data (the columns and sheets it names exist) and against the templates (every name
 * they use exists). All problems are collected; nothing is run and nothing is written.
 */
import fs from 'node:fs';
import { FoiError, isFoiError, type Problem } from '../errors.js';
import { checkTemplateFiles } from '../render/template-check.js';
import { templateSet, type TemplateSet } from '../render/templates.js';
import { VIEW_SHAPE } from '../render/view.js';
import { missingColumnProblems, readHeader, sourceProblem } from '../sources/index.js';
import type { Request } from '../types.js';
import { checkRequest, type LoadOptions } from './load.js';

/** Problems with the data files a spec names: unreadable files, missing sheets, header rows or columns. */
async function databaseProblems(req: Request): Promise<Problem[]> {
  const pgSources = req.sources.filter((s) => s.kind === 'postgres');
  if (pgSources.length === 0) return [];
  const [{ openPostgres }, { openPostgresSource }] = await Promise.all([import('../db/postgres.js'), import('../sources/postgres.js')]);
  const first = pgSources[0]!;
  let engine;
  try {
    engine = await openPostgres(first.postgres!.urlEnv);
  } catch (e) {
    if (!isFoiError(e)) throw e;
    return [{ code: e.code, severity: 'error', message: e.message, hint: e.hint, location: req.yaml.locate(['sources', first.id, 'postgres', 'url_env']) }];
  }
  const problems: Problem[] = [];
  try {
    for (const src of pgSources) {
      try {
        problems.push(...missingColumnProblems(req, src, (await openPostgresSource(engine, src)).header));
      } catch (e) {
        if (!isFoiError(e)) throw e;
        problems.push({ code: e.code, severity: 'error', message: e.message, hint: e.hint, location: req.yaml.locate(['sources', src.id, 'postgres', 'table']) });
      }
    }
  } finally {
    await engine.close();
  }
  return problems;
}

export async function dataProblems(req: Request): Promise<Problem[]> {
  const problems: Problem[] = await databaseProblems(req);
  for (const src of req.sources.filter((s) => s.kind === 'file')) {
    if (!fs.existsSync(src.path)) continue; // reported by source-missing
    try {
      problems.push(...missingColumnProblems(req, src, await readHeader(src)));
    } catch (e) {
      if (!isFoiError(e)) throw e;
      problems.push(sourceProblem(req, src, e));
    }
  }
  return problems;
}

export function templateProblems(templates: TemplateSet = templateSet()): Problem[] {
  return checkTemplateFiles(templates.letter, templates.files.slice(1), VIEW_SHAPE);
}

export interface Validation {
  request?: Request;
  problems: Problem[];
}

export async function validateSpec(specPath: string, opts: LoadOptions & { data?: boolean } = {}): Promise<Validation> {
  const { request, problems } = checkRequest(specPath, opts);
  if (!request) return { problems };
  if (opts.data !== false && !opts.offline && !problems.some((p) => p.code === 'source-outside-folder')) {
    problems.push(...(await dataProblems(request)));
  }
  problems.push(...templateProblems());
  return { request, problems };
}

/** Validates for running: any error stops here, reported with all the others. */
export async function loadValidRequest(specPath: string, opts: LoadOptions & { data?: boolean } = {}): Promise<Request> {
  const { request, problems } = await validateSpec(specPath, opts);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !request) {
    throw FoiError.fromProblems(problems, `the spec has ${errors.length} problem${errors.length === 1 ? '' : 's'}`);
  }
  request.warnings = problems.filter((p) => p.severity === 'warning');
  return request;
}
