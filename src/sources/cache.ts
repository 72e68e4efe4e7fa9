/**
 * The ingest cache. A slow-to-parse source (a workbook, JSON, a Windows-1252 CSV) is parsed once
 * into a Parquet file named by the source's content hash, so a rerun reads the Parquet instead.
 * A changed file has a new hash and is parsed again. File hashes themselves are remembered by
 * path, size, modification time and inode, as git does, so a rerun need not read a large file
 * twice; `foi verify` always hashes in full. The cache is safe to delete at any time.
 */
import { createHash } from 'node:crypto';
import { hashFile } from '../record/manifest.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CACHE_VERSION = 1;

/** FOI_CACHE_DIR, else the user's cache folder ($XDG_CACHE_HOME/foi or ~/.cache/foi). */
export function cacheDir(cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.FOI_CACHE_DIR) return path.resolve(cwd, env.FOI_CACHE_DIR);
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'foi');
}

interface HashEntry {
  size: number;
  mtimeMs: number;
  ino: number;
  sha256: string;
}

export class FileHashes {
  private entries: Record<string, HashEntry> = {};
  private dirty = false;

  /** Without a folder, hashes are remembered for this run only. */
  constructor(private readonly dir?: string) {
    if (!dir) return;
    try {
      const data = JSON.parse(fs.readFileSync(path.join(dir, 'hashes.json'), 'utf8')) as { version: number; entries: Record<string, HashEntry> };
      if (data.version === CACHE_VERSION) this.entries = data.entries;
    } catch {
      // No cache yet, or an unreadable one: start afresh.
    }
  }

  /** sha256 and size of a file, from memory when the file is unchanged since it was last hashed. */
  hash(file: string): { sha256: string; bytes: number } {
    const abs = path.resolve(file);
    const st = fs.statSync(abs);
    const known = this.entries[abs];
    if (known && known.size === st.size && known.mtimeMs === st.mtimeMs && known.ino === st.ino) {
      return { sha256: known.sha256, bytes: st.size };
    }
    const { sha256 } = hashFile(abs);
    // A file modified within the last two seconds may be modified again within the same
    // timestamp tick: do not trust its time for reuse.
    if (Date.now() - st.mtimeMs > 2000) {
      this.entries[abs] = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256 };
      this.dirty = true;
    }
    return { sha256, bytes: st.size };
  }

  save(): void {
    if (!this.dirty || !this.dir) return;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const tmp = path.join(this.dir, `hashes.json.${process.pid}.tmp`);
      fs.writeFileSync(tmp, JSON.stringify({ version: CACHE_VERSION, entries: this.entries }));
      fs.renameSync(tmp, path.join(this.dir, 'hashes.json'));
      this.dirty = false;
    } catch {
      // The cache is an optimisation: failing to save it changes nothing else.
    }
  }
}

export interface CachedSource {
  parquet: string;
  header: string[];
  rows: number;
}

/** The cache entry for a file parsed with given options (the reader's version is part of the key). */
export function cacheEntry(dir: string, sha256: string, options: unknown): { parquet: string; meta: string } {
  const key = createHash('sha256').update(JSON.stringify({ v: CACHE_VERSION, options })).digest('hex').slice(0, 16);
  const base = path.join(dir, `${sha256}-${key}`);
  return { parquet: `${base}.parquet`, meta: `${base}.json` };
}

export function readCached(entry: { parquet: string; meta: string }): CachedSource | undefined {
  try {
    const meta = JSON.parse(fs.readFileSync(entry.meta, 'utf8')) as { header: string[]; rows: number };
    if (!fs.existsSync(entry.parquet)) return undefined;
    return { parquet: entry.parquet, header: meta.header, rows: meta.rows };
  } catch {
    return undefined;
  }
}

/** Records a cache entry once its Parquet file is complete (the metadata is what makes it a hit). */
export function writeCachedMeta(entry: { meta: string }, header: string[], rows: number): void {
  const tmp = `${entry.meta}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ header, rows }));
  fs.renameSync(tmp, entry.meta);
}
