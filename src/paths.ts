/**
 * Where foi's own files are (templates/, law/, package.json): the folder holding foi's
 * package.json, found by walking up from this module, so it is right whether foi runs from src/
 * (tests), dist/ (the built command) or a bundle.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'foi') return dir;
      } catch {
        // not ours; keep looking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the foi package folder (package.json named "foi")');
    dir = up;
  }
}

export const PACKAGE_ROOT = findRoot();
export const FOI_VERSION = (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
export const TEMPLATES_DIR = path.join(PACKAGE_ROOT, 'templates');
export const LAW_DIR = path.join(PACKAGE_ROOT, 'law');
