/**
 * A response folder (output/<reference>/) keeps every run as a numbered version (v1, v2, …) that
 * is never overwritten. `versions.json` says which is the latest and which was issued; `latest`
 * and `issued` link to them. A version appears only when complete: it is written into a hidden
 * staging folder and renamed into place in one step, so a run killed at any moment leaves every
 * earlier version intact and nothing half-written under a version's name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FoiError } from '../errors.js';
import { MANIFEST_FILE, readManifest } from '../record/manifest.js';

export interface OutputFile {
  /** Relative to the version folder; may contain "/" (results/x.csv). */
  name: string;
  data: Buffer | string;
}

export interface IssueRecord {
  /** The day the response was sent. */
  date: string;
  /** When `foi issue` was run. */
  recorded_at: string;
  /** Hashes of the files as issued (they may have been edited by hand after foi wrote them). */
  files: { path: string; sha256: string; edited: boolean }[];
}

export interface VersionEntry {
  version: string;
  mode: string;
  document_date: string;
  generated_at: string;
  issued?: IssueRecord;
}

export interface VersionsIndex {
  reference: string;
  latest: string | null;
  issued: string | null;
  versions: VersionEntry[];
}

export const VERSIONS_FILE = 'versions.json';
const VERSION_RE = /^v(\d+)$/;
const STAGING_PREFIX = '.staging-';

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}

function writeFileDurably(file: string, data: Buffer | string): void {
  const fd = fs.openSync(file, 'wx');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Replaces a small file atomically: write beside it, then rename over it. */
export function replaceFile(file: string, data: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  writeFileDurably(tmp, data);
  fs.renameSync(tmp, file);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Staging folders left by runs that were killed. */
function removeAbandonedStaging(folder: string): void {
  for (const name of fs.readdirSync(folder)) {
    const m = /^\.staging-(\d+)-/.exec(name);
    if (m && !isAlive(Number(m[1]))) fs.rmSync(path.join(folder, name), { recursive: true, force: true });
  }
}

export function versionNumbers(folder: string): number[] {
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .map((n) => VERSION_RE.exec(n))
    .filter((m): m is RegExpExecArray => m !== null && fs.existsSync(path.join(folder, m[0], MANIFEST_FILE)))
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** Points `name` (latest, issued) at a version, atomically where the platform allows links. */
function pointLink(folder: string, name: string, version: string): void {
  const link = path.join(folder, name);
  const tmp = path.join(folder, `.${name}.${process.pid}.tmp`);
  try {
    fs.rmSync(tmp, { force: true });
    fs.symlinkSync(version, tmp, process.platform === 'win32' ? 'junction' : 'dir');
    fs.renameSync(tmp, link);
  } catch {
    // Without links, versions.json still says which version is which.
    fs.rmSync(tmp, { force: true });
  }
}

export function readVersions(folder: string): VersionsIndex {
  const file = path.join(folder, VERSIONS_FILE);
  let old: Partial<VersionsIndex> = {};
  if (fs.existsSync(file)) {
    try {
      old = JSON.parse(fs.readFileSync(file, 'utf8')) as VersionsIndex;
    } catch {
      old = {};
    }
  }
  const issuedBefore = new Map((old.versions ?? []).filter((v) => v.issued).map((v) => [v.version, v.issued!]));
  const versions: VersionEntry[] = versionNumbers(folder).map((n) => {
    const version = `v${n}`;
    const m = readManifest(path.join(folder, version));
    const issued = issuedBefore.get(version);
    return {
      version,
      mode: m.mode,
      document_date: m.document_date,
      generated_at: m.metadata.generated_at,
      ...(issued ? { issued } : {}),
    };
  });
  const last = versions[versions.length - 1];
  const issued = [...versions].reverse().find((v) => v.issued);
  return {
    reference: old.reference ?? (last ? readManifest(path.join(folder, last.version)).reference : path.basename(folder)),
    latest: last?.version ?? null,
    issued: issued?.version ?? null,
    versions,
  };
}

export function saveVersions(folder: string, index: VersionsIndex): void {
  replaceFile(path.join(folder, VERSIONS_FILE), JSON.stringify(index, null, 2) + '\n');
  if (index.latest) pointLink(folder, 'latest', index.latest);
  if (index.issued) pointLink(folder, 'issued', index.issued);
}

/** Writes a new version of the response into `folder` and returns its name and path. */
export function writeVersion(folder: string, files: OutputFile[], hooks: { afterFile?: (name: string) => void } = {}): { version: string; dir: string } {
  try {
    fs.mkdirSync(folder, { recursive: true });
  } catch (e) {
    throw new FoiError('output-unwritable', `cannot create the output folder "${folder}": ${(e as Error).message}`, {
      hint: 'choose another folder with --out, or check its permissions',
    });
  }
  if (fs.existsSync(path.join(folder, MANIFEST_FILE))) {
    throw new FoiError('output-not-response-folder', `"${folder}" holds a single version of a response, not a response folder`, {
      hint: 'give its parent folder, or a new folder, with --out',
    });
  }
  removeAbandonedStaging(folder);
  const staging = path.join(folder, `${STAGING_PREFIX}${process.pid}-${Date.now().toString(36)}`);
  try {
    fs.mkdirSync(staging);
    for (const f of files) {
      const target = path.join(staging, f.name);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      writeFileDurably(target, f.data);
      hooks.afterFile?.(f.name);
    }
    for (const d of new Set(files.map((f) => path.dirname(path.join(staging, f.name))))) fsyncDir(d);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new FoiError('output-unwritable', `cannot write to "${folder}": ${(e as Error).message}`, {
      hint: 'check the disk has space and the folder is writable; no earlier version was changed',
    });
  }
  let n = (versionNumbers(folder).pop() ?? 0) + 1;
  for (;;) {
    const dir = path.join(folder, `v${n}`);
    try {
      fs.renameSync(staging, dir);
      fsyncDir(folder);
      saveVersions(folder, readVersions(folder));
      return { version: `v${n}`, dir };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Another run took this number first (or a folder of that name is in the way): take the next.
      if (code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'EPERM' || code === 'EISDIR') {
        n++;
        continue;
      }
      fs.rmSync(staging, { recursive: true, force: true });
      throw e;
    }
  }
}

export interface ResolvedVersion {
  /** The response folder (output/<reference>). */
  folder: string;
  version: string;
  dir: string;
}

/** A version folder as given, or the latest version of a response folder. */
export function resolveVersion(dir: string): ResolvedVersion {
  const abs = path.resolve(dir);
  if (fs.existsSync(path.join(abs, MANIFEST_FILE))) {
    const real = fs.realpathSync(abs);
    const name = path.basename(real);
    return { folder: path.dirname(real), version: name, dir: real };
  }
  const latest = versionNumbers(abs).pop();
  if (latest === undefined) {
    throw new FoiError('output-missing', `"${dir}" is not an output of foi run (no ${MANIFEST_FILE}, no versions)`, {
      hint: 'give the folder foi run wrote, e.g. output/20192133 or output/20192133/v1',
      location: { file: dir },
    });
  }
  return { folder: abs, version: `v${latest}`, dir: path.join(abs, `v${latest}`) };
}
