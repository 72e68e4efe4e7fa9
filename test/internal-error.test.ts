/** A bug is told apart from a user's mistake: stack trace, "please report", exit 70. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli.js';
import { ExitCode, FoiError } from '../src/errors.js';

const failure = vi.hoisted(() => ({ error: new Error('placeholder') as unknown }));
vi.mock('../src/pipeline.js', () => ({
  runRequest: async () => {
    throw failure.error;
  },
}));

function captureStderr(): { text: () => string } {
  let out = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  return { text: () => out };
}

afterEach(() => vi.restoreAllMocks());

describe('errors at the command line', () => {
  it('an internal error (a bug) prints a stack trace and asks for a report, exit 70', async () => {
    failure.error = new TypeError("Cannot read properties of undefined (reading 'x')");
    const err = captureStderr();
    const code = await main(['node', 'foi', 'run', 'spec.yaml']);
    expect(code).toBe(ExitCode.INTERNAL);
    expect(err.text()).toContain('internal error. This is a bug in foi');
    expect(err.text()).toContain('Please report it');
    expect(err.text()).toMatch(/TypeError: Cannot read properties of undefined[\s\S]*\n\s+at /);
  });

  it("a user's mistake prints the located message and hint only, exit 1", async () => {
    failure.error = new FoiError('source-missing', 'the file "x.csv" does not exist', { hint: 'check the name', location: { file: 'r.yaml', line: 3, col: 11 } });
    const err = captureStderr();
    const code = await main(['node', 'foi', 'run', 'spec.yaml']);
    expect(code).toBe(ExitCode.USER_ERROR);
    expect(err.text()).toBe('r.yaml:3:11 error[source-missing]: the file "x.csv" does not exist\n  hint: check the name\n');
  });
});
