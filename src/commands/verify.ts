/**
 * `foi verify`: rerun a version from its recorded inputs and say whether it reproduces exactly;
 * if not, whether an input changed (which, old and new hash) or the outputs differ although no
 * input did (a defect).
 */
import fs from 'node:fs';
import path from 'node:path';
import { FoiError, isFoiError } from '../errors.js';
import { buildResponse, PACKAGE_ROOT, rebuildResponse, type Response } from '../pipeline.js';
import { hashFile, readManifest, sha256, type Manifest } from '../record/manifest.js';
import { templateSet } from '../render/templates.js';
import { loadValidRequest } from '../spec/validate.js';
import { loadStored } from './stored.js';
import { resolveVersion } from '../write/versions.js';

export interface Change {
  kind: 'spec' | 'template' | 'law' | 'source' | 'stored result';
  path: string;
  recorded: string;
  now: string | null;
}

export interface VerifyReport {
  version: string;
  dir: string;
  mode: Manifest['mode'];
  identical: boolean;
  inputsChanged: Change[];
  outputsDiffering: { path: string; recorded: string; now: string | null }[];
  /** Outputs differ although no input changed: a defect in foi (or a different foi, Node or DuckDB). */
  defect: boolean;
  /** Sources that are database tables, which cannot be fingerprinted. */
  fromDatabase: string[];
  /** Set when the rerun itself failed (e.g. the changed spec no longer validates). */
  rerunError?: string;
  tools: { recorded: Manifest['tools']; now: Manifest['tools'] };
}

function currentHash(file: string): string | null {
  try {
    return hashFile(file).sha256;
  } catch {
    return null;
  }
}

export async function verify(dir: string, cwd = process.cwd()): Promise<VerifyReport> {
  const resolved = resolveVersion(path.resolve(cwd, dir));
  const manifest = readManifest(resolved.dir);
  const changes: Change[] = [];
  const templates = templateSet();
  for (const t of manifest.templates) {
    const now = currentHash(path.resolve(PACKAGE_ROOT, t.path));
    if (now !== t.sha256) changes.push({ kind: 'template', path: t.path, recorded: t.sha256, now });
  }
  for (const t of manifest.law) {
    const now = currentHash(path.resolve(PACKAGE_ROOT, t.path));
    if (now !== t.sha256) changes.push({ kind: 'law', path: t.path, recorded: t.sha256, now });
  }

  let rebuild: () => Promise<Response>;
  if (manifest.mode === 'run') {
    const specFile = path.resolve(cwd, manifest.spec.path);
    if (!fs.existsSync(specFile)) {
      throw new FoiError('verify-spec-missing', `the spec this version was run from, ${manifest.spec.path}, is not there`, {
        hint: 'run foi verify from the folder foi run was run in (paths in the manifest are relative to it)',
        location: { file: manifest.spec.path },
      });
    }
    const specNow = currentHash(specFile);
    if (specNow !== manifest.spec.sha256) changes.push({ kind: 'spec', path: manifest.spec.path, recorded: manifest.spec.sha256, now: specNow });
    for (const s of manifest.sources) {
      if (s.sha256 === null) continue; // a database table: only its figures can show a change
      const now = currentHash(path.resolve(cwd, s.path));
      if (now !== s.sha256) changes.push({ kind: 'source', path: s.path, recorded: s.sha256, now });
    }
    rebuild = async () => buildResponse(await loadValidRequest(manifest.spec.path, { cwd, overrides: manifest.overrides, data: false }), { cwd, templates });
  } else {
    const stored = loadStored(resolved.dir, cwd);
    for (const q of manifest.queries) {
      const text = fs.readFileSync(path.join(resolved.dir, q.result));
      if (sha256(text) !== q.sha256) changes.push({ kind: 'stored result', path: q.result, recorded: q.sha256, now: sha256(text) });
    }
    rebuild = async () => rebuildResponse(stored.request, { manifest, queryResults: stored.queryResults, version: manifest.rendered_from ?? '' }, { cwd, templates });
  }

  let outputs: Map<string, string> | undefined;
  let rerunError: string | undefined;
  let toolsNow: Manifest['tools'] = { ...manifest.tools, node: process.version };
  try {
    const response = await rebuild();
    outputs = new Map(response.manifest.outputs.map((o) => [o.path, o.sha256]));
    toolsNow = response.manifest.tools;
  } catch (e) {
    if (!isFoiError(e)) throw e;
    rerunError = e.message;
  }
  const outputsDiffering = manifest.outputs
    .filter((o) => outputs?.get(o.path) !== o.sha256)
    .map((o) => ({ path: o.path, recorded: o.sha256, now: outputs?.get(o.path) ?? null }));
  const identical = changes.length === 0 && outputsDiffering.length === 0 && !rerunError;
  return {
    version: resolved.version,
    dir: resolved.dir,
    mode: manifest.mode,
    identical,
    inputsChanged: changes,
    outputsDiffering,
    // A database table has no fingerprint: different figures from it are not, by themselves, a defect.
    defect: changes.length === 0 && outputsDiffering.length > 0 && manifest.sources.every((s) => s.sha256 !== null),
    fromDatabase: manifest.sources.filter((s) => s.sha256 === null).map((s) => s.path),
    ...(rerunError ? { rerunError } : {}),
    tools: { recorded: manifest.tools, now: toolsNow },
  };
}

const short = (h: string | null) => (h ? h.slice(0, 16) + '…' : '(missing)');

export function formatVerify(r: VerifyReport, shownDir: string): string {
  const lines: string[] = [];
  if (r.identical) {
    lines.push(`verified: ${shownDir} (${r.version}) reproduces exactly from its recorded inputs`);
    return lines.join('\n');
  }
  lines.push(`NOT REPRODUCED: ${shownDir} (${r.version})`);
  if (r.inputsChanged.length) {
    lines.push('', 'inputs that changed since it was made:');
    for (const c of r.inputsChanged) lines.push(`  ${c.kind} ${c.path}`, `    recorded sha256 ${short(c.recorded)}`, `    now      sha256 ${short(c.now)}`);
  }
  if (r.rerunError) lines.push('', `the rerun failed: ${r.rerunError}`);
  if (r.outputsDiffering.length) {
    lines.push('', 'outputs that differ:');
    for (const o of r.outputsDiffering) lines.push(`  ${o.path}: recorded ${short(o.recorded)}, now ${short(o.now)}`);
  }
  if (!r.defect && r.inputsChanged.length === 0 && r.outputsDiffering.length > 0 && r.fromDatabase.length) {
    lines.push('', `The figures differ and the sources are database tables (${r.fromDatabase.join(', ')}), which foi cannot fingerprint: their data has probably changed since.`);
  }
  if (r.defect) {
    const t = r.tools;
    lines.push(
      '',
      'No input changed, yet the outputs differ: this is a defect (please report it).',
      `  made with foi ${t.recorded.foi}, Node ${t.recorded.node}, DuckDB ${t.recorded.duckdb ?? '-'}; now foi ${t.now.foi}, Node ${t.now.node}, DuckDB ${t.now.duckdb ?? '-'}`,
    );
  }
  return lines.join('\n');
}
