import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const FIXTURES = path.join(ROOT, 'test/fixtures');

export function tmpDir(prefix = 'foi-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Copies a fixture folder to a fresh temporary folder (so tests can change it) and returns it. */
export function copyFixture(name: string, from = FIXTURES): string {
  const dir = tmpDir(`foi-${name}-`);
  fs.cpSync(path.join(from, name), dir, { recursive: true });
  return dir;
}

/** Replaces text in a file, failing loudly when the text is not there. */
export function edit(file: string, from: string | RegExp, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit: ${String(from)} not found in ${file}`);
  fs.writeFileSync(file, next);
}
