/**
 * The command line: parses arguments, calls the library, prints, and maps the outcome to an exit
 * code. Heavy modules (DuckDB, docx, exceljs) are imported only by the commands that need them.
 */
import { Command, CommanderError } from 'commander';
import path from 'node:path';
import { FOI_VERSION } from './paths.js';
import { ExitCode, formatProblem, isFoiError, type ExitCodeValue, type Problem } from './errors.js';


const out = (s: string) => process.stdout.write(s + '\n');
const err = (s: string) => process.stderr.write(s + '\n');

function printProblems(problems: Problem[]): void {
  for (const p of problems) err(formatProblem(p));
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const rel = (p: string) => path.relative(process.cwd(), p) || '.';

async function runCommand(spec: string, opts: { out?: string; json?: boolean; set?: string[] }): Promise<ExitCodeValue> {
  const started = performance.now();
  const [{ runRequest }, { parseOverride }] = await Promise.all([import('./pipeline.js'), import('./spec/overrides.js')]);
  const overrides = (opts.set ?? []).map(parseOverride);
  const result = await runRequest(spec, { out: opts.out, overrides, command: process.argv.slice(2) });
  const seconds = (performance.now() - started) / 1000;
  if (opts.json) {
    out(
      JSON.stringify(
        {
          reference: result.request.reference,
          folder: result.folder,
          version: result.version,
          dir: result.dir,
          files: result.written,
          tables: result.tables.map((t) => ({ id: t.id, total: t.grandTotal })),
          warnings: result.warnings,
          seconds,
        },
        null,
        2,
      ),
    );
  } else {
    printProblems(result.warnings);
    out(`foi: answered request ${result.request.reference} in ${seconds.toFixed(2)} s: ${rel(result.dir)} (latest in ${rel(result.folder)})`);
    for (const f of result.written.slice(0, 2)) out(`  ${rel(f)}`);
  }
  return ExitCode.OK;
}

async function deadlineCommand(received: string, opts: { law?: string; days?: string; clarified?: string; extension?: string; json?: boolean }): Promise<ExitCodeValue> {
  const [{ computeDeadline }, { isLawId, LAW_IDS }, { FoiError }] = await Promise.all([import('./law/deadline.js'), import('./law/profiles.js'), import('./errors.js')]);
  const law = opts.law ?? 'foia';
  if (!isLawId(law)) throw new FoiError('deadline-law', `--law ${law}: not a law foi knows`, { hint: `one of: ${LAW_IDS.join(', ')}`, exitCode: ExitCode.USAGE });
  const whole = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new FoiError('deadline-days-invalid', `--${name} ${v}: give a whole number of working days`, { exitCode: ExitCode.USAGE });
    return Number(v);
  };
  const d = computeDeadline({ received, law, days: whole('days', opts.days), clarified: opts.clarified, extension_days: whole('extension', opts.extension) });
  out(opts.json ? JSON.stringify(d, null, 2) : [d.due, ...d.explanation].join('\n'));
  return ExitCode.OK;
}

async function verifyCommand(dir: string, opts: { json?: boolean }): Promise<ExitCodeValue> {
  const { verify, formatVerify } = await import('./commands/verify.js');
  const report = await verify(dir);
  if (opts.json) out(JSON.stringify(report, null, 2));
  else (report.identical ? out : err)(formatVerify(report, dir));
  return report.identical ? ExitCode.OK : ExitCode.NOT_REPRODUCED;
}

async function renderCommand(dir: string, opts: { json?: boolean }): Promise<ExitCodeValue> {
  const { renderStored } = await import('./commands/render.js');
  const r = await renderStored(dir, { command: process.argv.slice(2) });
  if (opts.json) out(JSON.stringify({ from: r.from, version: r.version, dir: r.dir, files: r.written }, null, 2));
  else out(`foi: rendered ${rel(r.dir)} from the stored results of ${r.from} (no data read)`);
  return ExitCode.OK;
}

async function diffCommand(a: string, b: string, opts: { json?: boolean }): Promise<ExitCodeValue> {
  const { diff, formatDiff } = await import('./commands/diff.js');
  const report = diff(a, b);
  out(opts.json ? JSON.stringify(report, null, 2) : formatDiff(report));
  return ExitCode.OK;
}

async function issueCommand(dir: string, opts: { date?: string; json?: boolean }): Promise<ExitCodeValue> {
  const { issueVersion } = await import('./commands/issue.js');
  const r = issueVersion(dir, { date: opts.date });
  if (opts.json) {
    out(JSON.stringify(r, null, 2));
    return ExitCode.OK;
  }
  out(`foi: ${rel(path.join(r.folder, r.version))} recorded as issued on ${r.record.date}; its files are now read-only`);
  for (const f of r.record.files.filter((f) => f.edited)) out(`  note: ${f.path} was edited after foi wrote it; the issued file's hash is recorded`);
  if (r.previouslyIssued.length) out(`  note: ${r.previouslyIssued.join(', ')} ${r.previouslyIssued.length === 1 ? 'was' : 'were'} issued before; all are kept`);
  return ExitCode.OK;
}

async function validateCommand(spec: string, opts: { json?: boolean; strict?: boolean }): Promise<ExitCodeValue> {
  const { validateSpec } = await import('./spec/validate.js');
  const { problems } = await validateSpec(spec);
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
    .version(FOI_VERSION, '-V, --version')
    .showHelpAfterError('(run foi --help for usage)')
    .exitOverride();

  program
    .command('run')
    .description('run a request spec and write the letter and annex as a new version of output/<reference>/')
    .argument('<spec>', 'the request spec, e.g. requests/20192133/request.yaml')
    .option('-o, --out <dir>', 'the response folder to write the new version into (default: output/<reference>/)')
    .option('--set <path=value>', 'change a spec value for this run, e.g. criteria.period.to=2020-09-30 (repeatable; recorded in the manifest)', collect)
    .option('--json', 'print the result as JSON')
    .action(async (spec: string, opts: { out?: string; json?: boolean; set?: string[] }) => setExit(await runCommand(spec, opts)));

  program
    .command('validate')
    .alias('lint')
    .description('check a spec without running it; exit 1 on errors')
    .argument('<spec>', 'the request spec')
    .option('--json', 'print the problems as JSON')
    .option('--strict', 'fail on warnings too')
    .action(async (spec: string, opts: { json?: boolean; strict?: boolean }) => setExit(await validateCommand(spec, opts)));

  program
    .command('deadline')
    .description('the statutory due date of a request (first line YYYY-MM-DD), then how it was counted')
    .argument('<received>', 'the day the request was received, YYYY-MM-DD')
    .option('--law <law>', 'foia (default), foisa or eir')
    .option('--days <n>', 'working days allowed, if not the law\'s 20')
    .option('--clarified <date>', 'the day clarification was received: the clock restarts')
    .option('--extension <n>', 'further working days of an extension')
    .option('--json', 'print the calculation as JSON')
    .action(async (received: string, opts: { law?: string; days?: string; clarified?: string; extension?: string; json?: boolean }) =>
      setExit(await deadlineCommand(received, opts)),
    );

  program
    .command('schema')
    .description("print the spec's JSON Schema (for editors; the same rules foi validate applies)")
    .action(async () => {
      const { specJsonSchemaText } = await import('./spec/json-schema.js');
      process.stdout.write(specJsonSchemaText());
      setExit(ExitCode.OK);
    });

  program
    .command('verify')
    .description('rerun a response from its recorded inputs; exit 0 only if every output is identical')
    .argument('<dir>', 'a version (output/20192133/v1) or a response folder (its latest version)')
    .option('--json', 'print the report as JSON')
    .action(async (dir: string, opts: { json?: boolean }) => setExit(await verifyCommand(dir, opts)));

  program
    .command('render')
    .description("rebuild a response's documents from its stored results (no data needed) as a new version")
    .argument('<dir>', 'a version or a response folder')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, opts: { json?: boolean }) => setExit(await renderCommand(dir, opts)));

  program
    .command('diff')
    .description('compare two responses figure by figure, and the inputs that changed')
    .argument('<a>', 'the earlier version or response folder')
    .argument('<b>', 'the later one')
    .option('--json', 'print the differences as JSON')
    .action(async (a: string, b: string, opts: { json?: boolean }) => setExit(await diffCommand(a, b, opts)));

  program
    .command('issue')
    .description('record a version as sent: it becomes read-only and no later run can change it')
    .argument('<dir>', 'a version, or a response folder (its latest version)')
    .option('--date <YYYY-MM-DD>', 'the day it was sent (default: today)')
    .option('--json', 'print the record as JSON')
    .action(async (dir: string, opts: { date?: string; json?: boolean }) => setExit(await issueCommand(dir, opts)));

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
