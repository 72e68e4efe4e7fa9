/**
 * Stage one: load and check a spec. Three steps, every problem reported at once:
 * schema (shape, types, unknown keys), normalisation (defaults), rules (the spec against itself
 * and its data).
 */
import fs from 'node:fs';
import path from 'node:path';
import { FoiError, type Problem } from '../errors.js';
import type { Request } from '../types.js';
import { normalise } from './normalise.js';
import { applyOverrides, type Override } from './overrides.js';
import { rules } from './rules.js';
import { Spec } from './schema.js';
import { schemaProblems } from './schema-problems.js';
import { forbiddenKeyProblems, parseYaml, toPlain } from './yaml.js';

/** A spec is a page or two of YAML; anything this big is the wrong file. */
export const MAX_SPEC_BYTES = 1024 * 1024;

export interface LoadOptions {
  /** Working directory for resolving the spec path and displaying it (default: process.cwd()). */
  cwd?: string;
  /** `--set path=value` changes, applied before checking. */
  overrides?: readonly Override[];
  /** Do not look at the data files (rebuilding documents from stored results). */
  offline?: boolean;
}

export interface LoadResult {
  request?: Request;
  problems: Problem[];
}

export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

function readSpecText(abs: string, file: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    throw new FoiError('spec-missing', `the spec "${file}" does not exist`, {
      hint: 'give the path of a request.yaml, e.g. requests/20192133/request.yaml',
      location: { file },
    });
  }
  if (!stat.isFile()) {
    throw new FoiError('spec-not-file', `"${file}" is not a file`, { hint: 'give the path of the request.yaml inside it', location: { file } });
  }
  if (stat.size > MAX_SPEC_BYTES) {
    throw new FoiError('spec-too-large', `the spec "${file}" is ${stat.size} bytes; a spec is at most ${MAX_SPEC_BYTES} bytes`, {
      hint: 'is this the right file? A spec is the YAML that describes the request, not the data',
      location: { file },
    });
  }
  const bytes = fs.readFileSync(abs);
  if (bytes.includes(0)) {
    throw new FoiError('spec-binary', `the spec "${file}" is a binary file, not YAML text`, {
      hint: 'give the path of the request.yaml, not of a spreadsheet or document',
      location: { file },
    });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new FoiError('spec-encoding', `the spec "${file}" is not UTF-8 text`, {
      hint: 'save it as UTF-8 (in most editors: "Save with encoding" → UTF-8)',
      location: { file },
    });
  }
}

/** Loads, checks and normalises a spec, collecting every problem. Throws only for unreadable files. */
export function checkRequest(specPath: string, opts: LoadOptions = {}): LoadResult {
  const cwd = opts.cwd ?? process.cwd();
  const abs = path.resolve(cwd, specPath);
  const file = displayPath(abs, cwd);
  const text = readSpecText(abs, file);

  const { source, problems } = parseYaml(text, file);
  if (!problems.some((p) => p.severity === 'error')) applyOverrides(source, opts.overrides ?? []);
  problems.push(...forbiddenKeyProblems(source));
  if (problems.some((p) => p.severity === 'error')) return { problems };

  const data = toPlain(source);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    problems.push({
      code: 'spec-not-mapping',
      severity: 'error',
      message: 'the spec must be a YAML mapping (key: value lines), starting with "version: 1"',
      location: { file, line: 1, col: 1 },
    });
    return { problems };
  }

  const parsed = Spec.safeParse(data);
  if (!parsed.success) {
    problems.push(...schemaProblems(parsed.error.issues as never, Spec, data, source));
    return { problems };
  }

  const request = normalise(parsed.data, source, file, path.dirname(abs));
  request.specText = text;
  request.overrides = [...(opts.overrides ?? [])];
  for (const rule of rules) if (!(opts.offline && rule.needsData)) problems.push(...rule.check(request));
  request.warnings = problems.filter((p) => p.severity === 'warning');
  return { request, problems };
}

/** Loads a spec for running: any error stops here, reported with all the others. */
export function loadRequest(specPath: string, opts: LoadOptions = {}): Request {
  const { request, problems } = checkRequest(specPath, opts);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0 || !request) {
    throw FoiError.fromProblems(problems, `the spec has ${errors.length} problem${errors.length === 1 ? '' : 's'}`);
  }
  return request;
}
