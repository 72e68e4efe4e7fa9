/** The command line as a user meets it: exit codes, messages without stack traces, --out. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/errors.js';
import { foi } from './helpers/cli.js';
import { copyFixture, edit, tmpDir } from './helpers/tmp.js';

const noStack = (s: string) => expect(s).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);

describe('foi (the command)', () => {
  it('--version prints the version', () => {
    const r = foi(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('run --out writes the letter, annex and record as version v1 of that folder', () => {
    const dir = copyFixture('minimal');
    const out = path.join(tmpDir(), 'answer');
    const r = foi(['run', 'request.yaml', '--out', out], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(ExitCode.OK);
    expect(fs.readdirSync(out).sort()).toEqual(['latest', 'v1', 'versions.json']);
    expect(fs.readdirSync(path.join(out, 'v1')).sort()).toEqual(['annex.xlsx', 'letter.docx', 'manifest.json', 'request.yaml', 'results']);
    expect(fs.readFileSync(path.join(out, 'latest/letter.docx')).equals(fs.readFileSync(path.join(out, 'v1/letter.docx')))).toBe(true);
    expect(r.stdout).toContain('v1/letter.docx');
  });

  it('run without --out writes output/<reference>/ under the working folder', () => {
    const dir = copyFixture('minimal');
    expect(foi(['run', 'request.yaml'], { cwd: dir }).code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'output/T-1/v1')).sort()).toEqual(['annex.xlsx', 'letter.docx', 'manifest.json', 'request.yaml', 'results']);
  });

  it('a spec with a mistake: located message, exit 1, no stack trace, nothing written', () => {
    const dir = copyFixture('minimal');
    edit(path.join(dir, 'request.yaml'), 'rows: category', 'rows: categroy');
    const r = foi(['run', 'request.yaml'], { cwd: dir });
    expect(r.code).toBe(ExitCode.USER_ERROR);
    expect(r.stderr).toMatch(/^request\.yaml:\d+:\d+ error\[field-unknown\]: "categroy" is not a field/m);
    expect(r.stderr).toContain('did you mean "category"?');
    noStack(r.stderr);
    expect(fs.existsSync(path.join(dir, 'output'))).toBe(false);
  });

  it('a failed run leaves the earlier output exactly as it was', () => {
    const dir = copyFixture('minimal');
    expect(foi(['run', 'request.yaml'], { cwd: dir }).code).toBe(0);
    const letter = path.join(dir, 'output/T-1/v1/letter.docx');
    const before = fs.readFileSync(letter);
    // A wrong column is only found when the data is opened, after the spec has been checked.
    edit(path.join(dir, 'request.yaml'), 'category: cat', 'category: kat');
    const r = foi(['run', 'request.yaml'], { cwd: dir });
    expect(r.code).toBe(ExitCode.USER_ERROR);
    expect(r.stderr).toContain('has no column "kat"');
    expect(r.stderr).toContain('did you mean "cat"?');
    noStack(r.stderr);
    expect(fs.readFileSync(letter).equals(before)).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'output/T-1')).sort()).toEqual(['latest', 'v1', 'versions.json']);
  });

  it('a missing spec file is a clear error', () => {
    const r = foi(['run', 'no/such/request.yaml']);
    expect(r.code).toBe(ExitCode.USER_ERROR);
    expect(r.stderr).toContain('error[spec-missing]: the spec "no/such/request.yaml" does not exist');
    noStack(r.stderr);
  });

  it('validate: exit 0 on the example, 1 with the problems listed', () => {
    expect(foi(['validate', 'requests/20192133/request.yaml']).code).toBe(0);
    const dir = copyFixture('minimal');
    edit(path.join(dir, 'request.yaml'), 'received: 2020-01-06', 'received: 2020-02-30');
    const r = foi(['validate', 'request.yaml', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.valid).toBe(false);
    expect(json.problems[0]).toMatchObject({ code: 'date-invalid', location: { file: 'request.yaml', line: 5 } });
  });

  it('a wrong option is a usage error (exit 2)', () => {
    const r = foi(['run', '--no-such-option', 'x.yaml']);
    expect(r.code).toBe(ExitCode.USAGE);
    expect(r.stderr).toContain("unknown option '--no-such-option'");
  });
});
