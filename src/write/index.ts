/**
 * The only stage that touches the output folder. Files are written beside their final names and
 * renamed into place only once all of them are complete, so a failure part-way leaves what was
 * there before.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FoiError } from '../errors.js';

export interface OutputFile {
  name: string;
  data: Buffer | string;
}

function writeDurably(file: string, data: Buffer | string): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function writeOutputs(outDir: string, files: OutputFile[]): string[] {
  try {
    fs.mkdirSync(outDir, { recursive: true });
  } catch (e) {
    throw new FoiError('output-unwritable', `cannot create the output folder "${outDir}": ${(e as Error).message}`, {
      hint: 'choose another folder with --out, or check its permissions',
    });
  }
  const staged: [string, string][] = [];
  try {
    for (const f of files) {
      const final = path.join(outDir, f.name);
      const tmp = path.join(outDir, `.${f.name}.${process.pid}.tmp`);
      writeDurably(tmp, f.data);
      staged.push([tmp, final]);
    }
  } catch (e) {
    for (const [tmp] of staged) fs.rmSync(tmp, { force: true });
    throw new FoiError('output-unwritable', `cannot write to "${outDir}": ${(e as Error).message}`, {
      hint: 'check the disk has space and the folder is writable; nothing there was changed',
    });
  }
  for (const [tmp, final] of staged) fs.renameSync(tmp, final);
  return staged.map(([, final]) => final);
}
