/**
 * One error type for users' mistakes (bad spec, missing file, wrong column), printed without a
 * stack trace; anything else that escapes is a bug and is reported as one.
 */

/** Every exit code foi uses, in one place. */
export const ExitCode = {
  OK: 0,
  /** The spec or the data has problems the user must fix (validation errors, bad input). */
  USER_ERROR: 1,
  /** The command line itself was wrong (unknown option, missing argument). */
  USAGE: 2,
  /** `foi verify`: a rerun did not reproduce the recorded outputs. */
  NOT_REPRODUCED: 3,
  /** A bug in foi: please report it. */
  INTERNAL: 70,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface Location {
  file: string;
  /** 1-based; absent when the problem concerns the file as a whole. */
  line?: number;
  col?: number;
}

export type Severity = 'error' | 'warning';

/** One problem found in the user's input. Several can be collected and reported together. */
export interface Problem {
  code: string;
  severity: Severity;
  message: string;
  hint?: string;
  location?: Location;
}

export class FoiError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly location?: Location;
  readonly exitCode: ExitCodeValue;
  /** Further problems reported together with this one (validation reports them all at once). */
  readonly problems: Problem[];

  constructor(
    code: string,
    message: string,
    opts: { hint?: string; location?: Location; exitCode?: ExitCodeValue; problems?: Problem[]; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'FoiError';
    this.code = code;
    this.hint = opts.hint;
    this.location = opts.location;
    this.exitCode = opts.exitCode ?? ExitCode.USER_ERROR;
    this.problems = opts.problems ?? [{ code, severity: 'error', message, hint: opts.hint, location: opts.location }];
  }

  /** Several problems as one error (only errors count; warnings travel along). */
  static fromProblems(problems: Problem[], summary?: string): FoiError {
    const errors = problems.filter((p) => p.severity === 'error');
    const first = errors[0] ?? problems[0];
    if (!first) throw new Error('FoiError.fromProblems needs at least one problem');
    return new FoiError(first.code, summary ?? first.message, { hint: first.hint, location: first.location, problems });
  }
}

export function isFoiError(e: unknown): e is FoiError {
  return e instanceof FoiError;
}

export function formatLocation(loc: Location | undefined): string {
  if (!loc) return '';
  let s = loc.file;
  if (loc.line !== undefined) {
    s += `:${loc.line}`;
    if (loc.col !== undefined) s += `:${loc.col}`;
  }
  return s;
}

/** `requests/20192133/request.yaml:41:7 error[date-invalid]: message` plus an indented hint. */
export function formatProblem(p: Problem): string {
  const where = formatLocation(p.location);
  const head = `${where ? where + ' ' : ''}${p.severity}[${p.code}]: ${p.message}`;
  return p.hint ? `${head}\n  hint: ${p.hint}` : head;
}

/** Adds context at a stage boundary without losing the user-facing code and location. */
export async function withContext<T>(context: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isFoiError(e) && e.problems.length <= 1 && !e.message.startsWith(context)) {
      throw new FoiError(e.code, `${context}: ${e.message}`, {
        hint: e.hint,
        location: e.location,
        exitCode: e.exitCode,
        cause: e,
      });
    }
    throw e;
  }
}
