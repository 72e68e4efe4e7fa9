/**
 * The run manifest (manifest.json beside the outputs): what went in, what ran, what came out,
 * with hashes, so that anyone can rerun the spec and prove they got the same bytes. Everything
 * volatile (when, where, how long) is in `metadata`; the rest is the same on every rerun.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { FoiError, type Problem } from '../errors.js';
import type { Override } from '../spec/overrides.js';

export const MANIFEST_FILE = 'manifest.json';
export const SPEC_COPY = 'request.yaml';
export const MANIFEST_SCHEMA_VERSION = 1;

export interface HashedFile {
  /** Relative to the working folder foi ran in (sources, spec) or to foi's own folder (templates). */
  path: string;
  sha256: string;
  bytes: number;
}

export interface ManifestQuery {
  table: string;
  questions: number[];
  sql: string;
  params: unknown[];
  rows: number;
  /** The stored result, relative to the manifest. */
  result: string;
  sha256: string;
}

export interface Manifest {
  schema_version: number;
  reference: string;
  /** "run": computed from the data; "render": rebuilt from another version's stored results. */
  mode: 'run' | 'render';
  rendered_from?: string;
  tools: { foi: string; node: string; duckdb: string | null; database?: string };
  /** The date written into the documents' properties and zip entries. */
  document_date: string;
  spec: HashedFile & { copy: string };
  overrides: Override[];
  templates: HashedFile[];
  /** The law profile and bank holidays (foi's own files) the letter and deadline rest on. */
  law: HashedFile[];
  /** Files with their fingerprints; a database table has none (sha256 and bytes null). */
  sources: { id: string; path: string; sha256: string | null; bytes: number | null; rows: number | null }[];
  /** The one pass over the data that every table's query reads from (as "selected"). */
  selection: { sql: string; params: unknown[] };
  queries: ManifestQuery[];
  deadline: { law: string; received: string; clarified?: string; working_days: number; due: string; late: boolean };
  warnings: Problem[];
  outputs: HashedFile[];
  metadata: {
    generated_at: string;
    host: string;
    platform: string;
    duration_ms: number;
    /** Milliseconds per stage (load spec, open sources, queries, letter, annex). */
    stages_ms?: Record<string, number>;
    command: string[];
  };
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hashFile(file: string): { sha256: string; bytes: number } {
  const h = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  let bytes = 0;
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      h.update(buf.subarray(0, n));
      bytes += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { sha256: h.digest('hex'), bytes };
}

/** Stable JSON: two-space indent, keys in the order the manifest is built, newline at the end. */
export function manifestJson(m: Manifest): string {
  return JSON.stringify(m, null, 2) + '\n';
}

/** The manifest without its volatile block, for comparing runs. */
export function stableManifest(m: Manifest): Omit<Manifest, 'metadata'> {
  const { metadata: _ignored, ...rest } = m;
  return rest;
}

export function readManifest(dir: string): Manifest {
  const file = `${dir.replace(/\/+$/, '')}/${MANIFEST_FILE}`;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new FoiError('manifest-missing', `"${dir}" has no ${MANIFEST_FILE}, so it is not an output of foi run`, {
      hint: 'give the folder foi run wrote, e.g. output/20192133/v1 (or output/20192133 for the latest version)',
      location: { file: dir },
    });
  }
  let m: Manifest;
  try {
    m = JSON.parse(text) as Manifest;
  } catch (e) {
    throw new FoiError('manifest-invalid', `${file} is not valid JSON: ${(e as Error).message}`, { location: { file } });
  }
  if (m.schema_version !== MANIFEST_SCHEMA_VERSION) {
    throw new FoiError('manifest-version', `${file} has manifest schema version ${String(m.schema_version)}; this foi reads version ${MANIFEST_SCHEMA_VERSION}`, {
      location: { file },
      hint: 'use the version of foi that wrote it',
    });
  }
  return m;
}
