/**
 * The hostile and broken input corpus (test/fixtures/hostile/<case>/): each case must end in a
 * clear error naming the file (and line where there is one), a non-zero exit, no stack trace,
 * and nothing written.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { foi } from './helpers/cli.js';
import { FIXTURES, tmpDir } from './helpers/tmp.js';

const CORPUS = path.join(FIXTURES, 'hostile');

interface Case {
  description: string;
  args: string[];
  code: number;
  stderr: string[];
  generate?: 'binary-spec' | 'huge-spec' | 'symlink-outside' | 'workbook' | 'zip-bomb';
}

async function workbook(file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Crimes');
  ws.addRow(['when', 'cat', 'flag']);
  ws.addRow(['01/01/2018', 'A', 'Y']);
  await wb.xlsx.writeFile(file);
}

/** A real workbook whose worksheet entry claims to inflate to almost 4 GB. */
async function zipBomb(file: string): Promise<void> {
  await workbook(file);
  const buf = fs.readFileSync(file);
  for (let p = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); p >= 0; p = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), p + 4)) {
    const nameLen = buf.readUInt16LE(p + 28);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString();
    if (name.includes('worksheets/sheet')) buf.writeUInt32LE(0xfffffff0, p + 24);
  }
  fs.writeFileSync(file, buf);
}

async function generate(kind: Case['generate'], dir: string): Promise<void> {
  switch (kind) {
    case 'binary-spec':
      fs.writeFileSync(path.join(dir, 'request.yaml'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]));
      break;
    case 'huge-spec':
      fs.writeFileSync(path.join(dir, 'request.yaml'), '# padding\n'.repeat(200_000));
      break;
    case 'symlink-outside':
      fs.symlinkSync('/etc/passwd', path.join(dir, 'link.csv'));
      break;
    case 'workbook':
      await workbook(path.join(dir, 'data.xlsx'));
      break;
    case 'zip-bomb':
      await zipBomb(path.join(dir, 'data.xlsx'));
      break;
    case undefined:
      break;
  }
}

const cases = fs.readdirSync(CORPUS).sort();

describe('hostile and broken input', () => {
  it('the corpus has at least 20 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('%s', async (name) => {
    const c = JSON.parse(fs.readFileSync(path.join(CORPUS, name, 'case.json'), 'utf8')) as Case;
    const dir = tmpDir(`foi-hostile-${name}-`);
    fs.cpSync(path.join(CORPUS, name), dir, { recursive: true });
    fs.rmSync(path.join(dir, 'case.json'));
    await generate(c.generate, dir);
    const before = Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.lstatSync(path.join(dir, f)).isFile() ? fs.readFileSync(path.join(dir, f)).toString('base64') : 'dir']));

    const r = foi(c.args, { cwd: dir });

    expect(r.code, `${c.description}\n${r.stderr}`).toBe(c.code);
    for (const pattern of c.stderr) expect(r.stderr).toMatch(new RegExp(pattern));
    expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(r.stderr).not.toContain('internal error');
    // Nothing written, nothing changed.
    expect(fs.existsSync(path.join(dir, 'output'))).toBe(false);
    const after = Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.lstatSync(path.join(dir, f)).isFile() ? fs.readFileSync(path.join(dir, f)).toString('base64') : 'dir']));
    expect(after).toEqual(before);
  });
});
