/**
 * `foi render`: rebuild a version's documents from its stored results, with the current
 * templates, into a new version of the same response folder. No data source is opened.
 */
import { rebuildResponse, writeResponse, type RunResult } from '../pipeline.js';
import { loadStored } from './stored.js';

export async function renderStored(dir: string, opts: { cwd?: string; command?: string[] } = {}): Promise<RunResult & { from: string }> {
  const started = performance.now();
  const cwd = opts.cwd ?? process.cwd();
  const stored = loadStored(dir, cwd);
  const response = await rebuildResponse(stored.request, { manifest: stored.manifest, queryResults: stored.queryResults, version: stored.version }, { cwd });
  return { ...writeResponse(response, stored.folder, started, opts.command ?? []), from: stored.version };
}
