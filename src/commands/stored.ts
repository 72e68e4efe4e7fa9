/** A written version read back: its manifest, its copy of the spec and its stored results. */
import fs from 'node:fs';
import path from 'node:path';
import { FoiError } from '../errors.js';
import { readManifest, type Manifest } from '../record/manifest.js';
import { csvToResults } from '../record/results.js';
import type { QueryResult } from '../query/run.js';
import { loadRequest } from '../spec/load.js';
import type { Request } from '../types.js';
import { resolveVersion, type ResolvedVersion } from '../write/versions.js';

export interface StoredVersion extends ResolvedVersion {
  manifest: Manifest;
  /** The spec as it was run (its stored copy, with the recorded overrides), not needing the data. */
  request: Request;
  queryResults: QueryResult[];
}

export function loadStored(dir: string, cwd = process.cwd()): StoredVersion {
  const resolved = resolveVersion(path.resolve(cwd, dir));
  const manifest = readManifest(resolved.dir);
  const copy = path.join(resolved.dir, manifest.spec.copy);
  const request = loadRequest(copy, { cwd, overrides: manifest.overrides, offline: true });
  const queryResults = manifest.queries.map((q) => {
    const table = request.tables.find((t) => t.id === q.table);
    if (!table) {
      throw new FoiError('stored-table-missing', `the stored spec of ${resolved.version} has no table "${q.table}" although its manifest lists it`, {
        location: { file: copy },
      });
    }
    let text: string;
    try {
      text = fs.readFileSync(path.join(resolved.dir, q.result), 'utf8');
    } catch {
      throw new FoiError('stored-results-missing', `${resolved.version} is missing its stored results ${q.result}`, {
        hint: 'the version folder is incomplete; rerun the spec instead',
        location: { file: path.join(resolved.dir, q.result) },
      });
    }
    return { table, sql: q.sql, params: q.params, rows: csvToResults(text) };
  });
  return { ...resolved, manifest, request, queryResults };
}
