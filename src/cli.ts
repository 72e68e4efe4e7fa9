/**
 * The command line: parses arguments, calls the library, prints, and maps the outcome to an exit
 * code. Heavy modules (DuckDB, docx, exceljs) are imported only by the commands that need them.
 */
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ExitCode, formatProblem, isFoiError, type ExitCodeValue, type Problem } from './errors.js';

const require = createRequire(import.meta.url);
const { version } = require('../package.json') as { version: string };

const out = (s: string) => process.stdout.write(s + '\n');
const err = (s: string) => process.stderr.write(s + '\n');

function printProblems(problems: Problem[]): void {
  for (const p of problems) err(formatProblem(p));
}

async function runCommand(spec: string, opts: { out?: string; json?: boolean }): Promise<ExitCodeValue> {
  const started = performance.now();
  const { runRequest } = await import('./pipeline.js');
  const result = await runRequest(spec, { out: opts.out });
  const seconds = (performance.now() - started) / 1000;
  if (opts.json) {
    out(
      JSON.stringify(
        {
          reference: result.request.reference,
          outDir: result.outDir,
          files: result.written,
          tables: result.results.map((t) => ({ id: t.id, total: t.grandTotal })),
          warnings: result.warnings,
          seconds,
        },
        null,
        2,
      ),
    );
  } else {
    printProblems(result.warnings);
    const rel = path.relative(process.cwd(), result.outDir) || '.';
    out(`foi: answered request ${result.request.reference} in ${seconds.toFixed(2)} s`);
    for (const f of result.written) out(`  wrote ${path.join(rel, path.basename(f))}`);
  }
  return ExitCode.OK;
}

async function validateCommand(spec: string, opts: { json?: boolean; strict?: boolean }): Promise<ExitCodeValue> {
  const { checkRequest } = await import('./spec/load.js');
  const { problems } = checkRequest(spec);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const failed = errors > 0 || (opts.strict === true && warnings > 0);
  if (opts.json) {
    out(JSON.stringify({ spec, valid: !failed, errors, warnings, problems }, null, 2));
  } else {
    printProblems(problems);
    if (!failed) out(`${spec}: valid${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}`);
    else err(`${spec}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  }
  return failed ? ExitCode.USER_ERROR : ExitCode.OK;
}

export function buildProgram(setExit: (code: ExitCodeValue) => void): Command {
  const program = new Command()
    .name('foi')
    .description('Answer Freedom of Information requests reproducibly: spec → queries → letter.docx + annex.xlsx')
    .version(version, '-V, --version')
    .showHelpAfterError('(run foi --help for usage)')
    .exitOverride();

  program
    .command('run')
    .description('run a request spec and write the letter and annex')
    .argument('<spec>', 'the request spec, e.g. requests/20192133/request.yaml')
    .option('-o, --out <dir>', 'write into this folder (default: output/<reference>/)')
    .option('--json', 'print the result as JSON')
    .action(async (spec: string, opts: { out?: string; json?: boolean }) => setExit(await runCommand(spec, opts)));

  program
    .command('validate')
    .alias('lint')
    .description('check a spec without running it; exit 1 on errors')
    .argument('<spec>', 'the request spec')
    .option('--json', 'print the problems as JSON')
    .option('--strict', 'fail on warnings too')
    .action(async (spec: string, opts: { json?: boolean; strict?: boolean }) => setExit(await validateCommand(spec, opts)));

  return program;
}

export async function main(argv: string[]): Promise<ExitCodeValue> {
  let code: ExitCodeValue = ExitCode.OK;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are not failures; everything else Commander stops on is a usage error.
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help'
        ? ExitCode.OK
        : ExitCode.USAGE;
    }
    if (isFoiError(e)) {
      printProblems(e.problems);
      if (e.problems.length > 1 || !e.problems.some((p) => p.message === e.message)) err(`foi: ${e.message}`);
      return e.exitCode;
    }
    err('foi: internal error. This is a bug in foi, not a problem with your spec or data.');
    err('Please report it with the command you ran and the text below.');
    err(e instanceof Error ? (e.stack ?? e.message) : String(e));
    return ExitCode.INTERNAL;
  }
}
