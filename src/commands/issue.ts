/**
 * `foi issue`: record that a version was sent. The version is then read-only, and later runs
 * (which always write new versions) can never touch it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FoiError } from '../errors.js';
import { hashFile, readManifest } from '../record/manifest.js';
import { dateProblem } from '../util/dates.js';
import { readVersions, resolveVersion, saveVersions, type IssueRecord } from '../write/versions.js';

export interface IssueResult {
  folder: string;
  version: string;
  record: IssueRecord;
  /** Versions issued before this one (a corrected response is issued again). */
  previouslyIssued: string[];
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function issueVersion(dir: string, opts: { date?: string; cwd?: string } = {}): IssueResult {
  const resolved = resolveVersion(path.resolve(opts.cwd ?? process.cwd(), dir));
  const date = opts.date ?? today();
  const bad = dateProblem(date);
  if (bad) throw new FoiError('issue-date-invalid', `--date: ${bad}`, { hint: 'give the day it was sent, YYYY-MM-DD' });
  const manifest = readManifest(resolved.dir);
  const index = readVersions(resolved.folder);
  const entry = index.versions.find((v) => v.version === resolved.version);
  if (!entry) {
    throw new FoiError('issue-not-version', `"${dir}" is not a version of a response folder`, {
      hint: 'give a folder written by foi run, e.g. output/20192133/v1',
    });
  }
  if (entry.issued) {
    throw new FoiError('issue-already', `${resolved.version} was already issued on ${entry.issued.date}`, {
      hint: 'an issued response is a record and is not issued twice; a corrected response is a new run, issued in its turn',
    });
  }
  const files = manifest.outputs
    .filter((o) => !o.path.startsWith('results/'))
    .map((o) => {
      const now = hashFile(path.join(resolved.dir, o.path)).sha256;
      return { path: o.path, sha256: now, edited: now !== o.sha256 };
    });
  const record: IssueRecord = { date, recorded_at: new Date().toISOString(), files };
  entry.issued = record;
  const previouslyIssued = index.versions.filter((v) => v.issued && v.version !== resolved.version).map((v) => v.version);
  saveVersions(resolved.folder, { ...index, issued: resolved.version });
  // Issued files are a record: make them read-only so that nothing edits them by accident.
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else fs.chmodSync(p, 0o444);
    }
  };
  walk(resolved.dir);
  return { folder: resolved.folder, version: resolved.version, record, previouslyIssued };
}
