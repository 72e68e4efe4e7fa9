/**
 * Reproducible reruns: identical bytes whatever the clock and time zone, a manifest, verify,
 * issued versions that nothing overwrites, atomic writes, render from stored results, diff.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { diff } from '../src/commands/diff.js';
import { runRequest } from '../src/pipeline.js';
import { sha256, stableManifest, type Manifest } from '../src/record/manifest.js';
import { foi } from './helpers/cli.js';
import { exampleCounts } from './helpers/example-counts.js';
import { ROOT, tmpDir } from './helpers/tmp.js';

const REQ = 'requests/20192133';
const SPEC = `${REQ}/request.yaml`;

/** A project folder holding a copy of the example request, so tests can change its data. */
function exampleProject(): string {
  const dir = tmpDir('foi-project-');
  fs.cpSync(path.join(ROOT, REQ), path.join(dir, REQ), { recursive: true });
  return dir;
}

/** Every file under a folder → its sha256 (links followed as names only). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p, `${prefix}${e.name}/`);
      else if (e.isFile()) out[`${prefix}${e.name}`] = sha256(fs.readFileSync(p));
    }
  };
  walk(dir, '');
  return out;
}

const readManifest = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;

/** Changes one CMS record inside the period from online to not online; returns the row changed. */
function flipOneOnlineRow(project: string): string {
  const file = path.join(project, REQ, 'cms_extract.csv');
  const text = fs.readFileSync(file, 'utf8');
  const m = /\r\n(CMS\/16\/\d+,\d\d-[A-Z]{3}-2016,8L,HARASSMENT,)Y(,[^\r\n]*)\r\n/.exec(text)!;
  fs.writeFileSync(file, text.replace(m[0], `\r\n${m[1]}N${m[2]}\r\n`));
  return m[1]!;
}

beforeAll(() => {
  expect(fs.existsSync(path.join(ROOT, 'dist/bin.js'))).toBe(true);
});
afterEach(() => {
  vi.useRealTimers();
  delete process.env.TZ;
});

describe('byte-identical reruns', () => {
  it('two runs with different time zones and clocks give identical bytes for every output', async () => {
    const project = exampleProject();
    const runAt = async (tz: string, clock: string) => {
      process.env.TZ = tz;
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date(clock));
      try {
        return await runRequest(SPEC, { cwd: project, out: 'out' });
      } finally {
        vi.useRealTimers();
      }
    };
    const a = await runAt('Pacific/Kiritimati', '2001-02-03T04:05:06Z');
    const b = await runAt('America/Los_Angeles', '2035-12-31T23:59:59Z');
    expect([a.version, b.version]).toEqual(['v1', 'v2']);
    const sa = snapshot(a.dir);
    const sb = snapshot(b.dir);
    const { 'manifest.json': _ma, ...outputsA } = sa;
    const { 'manifest.json': _mb, ...outputsB } = sb;
    expect(Object.keys(outputsA)).toEqual(
      expect.arrayContaining(['letter.docx', 'annex.xlsx', 'request.yaml', 'results/crimes_by_year.csv']),
    );
    expect(outputsB).toEqual(outputsA);
    // The manifests differ only in their metadata block (when and where each run happened).
    const [ma, mb] = [readManifest(a.dir), readManifest(b.dir)];
    expect(stableManifest(mb)).toEqual(stableManifest(ma));
    expect(ma.metadata.generated_at).not.toBe(mb.metadata.generated_at);
    // The documents carry the letter date, not the clock.
    expect(ma.document_date).toBe('2019-10-24T00:00:00.000Z');
  });

  it('a child process in another time zone writes the same bytes; SOURCE_DATE_EPOCH sets the document date', () => {
    const project = exampleProject();
    expect(foi(['run', SPEC, '--out', 'a'], { cwd: project, env: { TZ: 'Asia/Kolkata' } }).code).toBe(0);
    expect(foi(['run', SPEC, '--out', 'b'], { cwd: project, env: { TZ: 'Europe/London' } }).code).toBe(0);
    const a = snapshot(path.join(project, 'a/v1'));
    const b = snapshot(path.join(project, 'b/v1'));
    expect(b['letter.docx']).toBe(a['letter.docx']);
    expect(b['annex.xlsx']).toBe(a['annex.xlsx']);
    expect(foi(['run', SPEC, '--out', 'c'], { cwd: project, env: { SOURCE_DATE_EPOCH: '1572048000' } }).code).toBe(0);
    expect(readManifest(path.join(project, 'c/v1')).document_date).toBe('2019-10-26T00:00:00.000Z');
    expect(snapshot(path.join(project, 'c/v1'))['letter.docx']).not.toBe(a['letter.docx']);
  });
});

describe('the manifest', () => {
  it('records versions, inputs with hashes, every query with its parameters and result hash, and outputs', async () => {
    const project = exampleProject();
    const r = await runRequest(SPEC, { cwd: project, out: 'out', command: ['run', SPEC] });
    const m = readManifest(r.dir);
    expect(m.schema_version).toBe(1);
    expect(m.tools).toMatchObject({ foi: expect.stringMatching(/^\d+\.\d+\.\d+/), node: process.version, duckdb: expect.stringMatching(/^v1\./) });
    expect(m.spec).toMatchObject({ path: SPEC, sha256: sha256(fs.readFileSync(path.join(project, SPEC))) });
    expect(m.templates.map((t) => t.path)).toEqual(['templates/letter.md.hbs', ...fs.readdirSync(path.join(ROOT, 'templates/partials')).sort().map((f) => `templates/partials/${f}`)]);
    expect(m.law.map((l) => l.path)).toEqual(['law/foia.yaml', 'law/uk-bank-holidays.json']);
    expect(m.deadline).toEqual({ law: 'foia', received: '2019-10-01', working_days: 20, due: '2019-10-29', late: false });
    expect(m.sources.map((s) => [s.id, s.path, s.sha256])).toEqual([
      ['cms', `${REQ}/cms_extract.csv`, sha256(fs.readFileSync(path.join(project, REQ, 'cms_extract.csv')))],
      ['connect', `${REQ}/connect_extract.xlsx`, sha256(fs.readFileSync(path.join(project, REQ, 'connect_extract.xlsx')))],
    ]);
    // One pass over the data selects the records (criteria as parameters; files by source id, so
    // the record does not depend on where the project is), and every table aggregates from it.
    expect(m.selection.sql).toContain('read_csv($');
    expect(m.selection.params).toEqual(expect.arrayContaining(['8L', '8M', '8Q', '2014-01-01', '2019-09-30', { source: 'cms' }]));
    expect(JSON.stringify(m)).not.toContain(project);
    const q1 = m.queries.find((q) => q.table === 'crimes_by_year')!;
    expect(q1.sql).toContain('GROUPING SETS');
    expect(q1.sql).toContain('FROM "selected"');
    expect(q1.sha256).toBe(sha256(fs.readFileSync(path.join(r.dir, q1.result))));
    for (const o of m.outputs) expect(sha256(fs.readFileSync(path.join(r.dir, o.path))), o.path).toBe(o.sha256);
    expect(Object.keys(m.metadata)).toEqual(['generated_at', 'host', 'platform', 'duration_ms', 'stages_ms', 'command']);
  });
});

describe('foi verify', () => {
  it('passes on an untouched run and fails naming cms_extract.csv after one row of it changes', () => {
    const project = exampleProject();
    expect(foi(['run', SPEC], { cwd: project }).code).toBe(0);
    const ok = foi(['verify', 'output/20192133/v1'], { cwd: project });
    expect(ok.stdout).toContain('reproduces exactly');
    expect(ok.code).toBe(0);

    const before = sha256(fs.readFileSync(path.join(project, REQ, 'cms_extract.csv')));
    flipOneOnlineRow(project);
    const after = sha256(fs.readFileSync(path.join(project, REQ, 'cms_extract.csv')));
    const bad = foi(['verify', 'output/20192133'], { cwd: project });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('source requests/20192133/cms_extract.csv');
    expect(bad.stderr).toContain(`recorded sha256 ${before.slice(0, 16)}`);
    expect(bad.stderr).toContain(`now      sha256 ${after.slice(0, 16)}`);
    expect(bad.stderr).toMatch(/letter\.docx: recorded/);
    expect(bad.stderr).not.toContain('defect');
    const json = JSON.parse(foi(['verify', 'output/20192133', '--json'], { cwd: project }).stdout);
    expect(json.inputsChanged).toEqual([{ kind: 'source', path: `${REQ}/cms_extract.csv`, recorded: before, now: after }]);
  });

  it('calls it a defect when outputs differ although no input changed', () => {
    const project = exampleProject();
    expect(foi(['run', SPEC], { cwd: project }).code).toBe(0);
    const manifestFile = path.join(project, 'output/20192133/v1/manifest.json');
    const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
    m.outputs.find((o) => o.path === 'annex.xlsx')!.sha256 = '0'.repeat(64);
    fs.writeFileSync(manifestFile, JSON.stringify(m));
    const r = foi(['verify', 'output/20192133/v1'], { cwd: project });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('annex.xlsx: recorded 0000000000000000');
    expect(r.stderr).toContain('No input changed, yet the outputs differ: this is a defect');
  });
});

describe('versions and issued responses', () => {
  it('a rerun after foi issue leaves the issued folder byte-for-byte unchanged and writes v2', () => {
    const project = exampleProject();
    expect(foi(['run', SPEC], { cwd: project }).code).toBe(0);
    const issued = foi(['issue', 'output/20192133', '--date', '2019-10-24'], { cwd: project });
    expect(issued.code).toBe(0);
    expect(issued.stdout).toContain('v1 recorded as issued on 2019-10-24');
    const v1 = path.join(project, 'output/20192133/v1');
    const before = snapshot(v1);
    expect(fs.statSync(path.join(v1, 'letter.docx')).mode & 0o222).toBe(0);

    const again = foi(['run', SPEC], { cwd: project });
    expect(again.code).toBe(0);
    expect(snapshot(v1)).toEqual(before);
    const index = JSON.parse(fs.readFileSync(path.join(project, 'output/20192133/versions.json'), 'utf8'));
    expect(index).toMatchObject({ latest: 'v2', issued: 'v1' });
    expect(index.versions[0].issued).toMatchObject({ date: '2019-10-24' });
    expect(fs.readlinkSync(path.join(project, 'output/20192133/latest'))).toBe('v2');
    expect(fs.readlinkSync(path.join(project, 'output/20192133/issued'))).toBe('v1');
    // Issuing the same version twice is refused.
    expect(foi(['issue', 'output/20192133/v1'], { cwd: project }).code).toBe(1);
  });

  it('a run killed (SIGKILL) while writing leaves the previous version intact and nothing that looks complete', async () => {
    const project = exampleProject();
    expect(foi(['run', SPEC], { cwd: project }).code).toBe(0);
    const folder = path.join(project, 'output/20192133');
    const before = snapshot(path.join(folder, 'v1'));
    const indexBefore = fs.readFileSync(path.join(folder, 'versions.json'), 'utf8');

    const child = spawn(process.execPath, [path.join(ROOT, 'dist/bin.js'), 'run', SPEC], {
      cwd: project,
      env: { ...process.env, FOI_TEST_WRITE_DELAY_MS: '3000' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Wait until the run is part-way through writing: its staging folder holds a first file.
    const deadline = Date.now() + 60_000;
    let staging: string | undefined;
    while (Date.now() < deadline) {
      staging = fs.readdirSync(folder).find((n) => n.startsWith('.staging-'));
      if (staging && fs.readdirSync(path.join(folder, staging)).length > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(staging).toBeDefined();
    child.kill('SIGKILL');
    await exited;

    expect(snapshot(path.join(folder, 'v1'))).toEqual(before);
    expect(fs.readFileSync(path.join(folder, 'versions.json'), 'utf8')).toBe(indexBefore);
    expect(fs.readdirSync(folder).filter((n) => /^v\d+$/.test(n))).toEqual(['v1']);
    expect(fs.readlinkSync(path.join(folder, 'latest'))).toBe('v1');

    // The next run cleans up what the killed one left, and carries on from v1.
    expect(foi(['run', SPEC], { cwd: project }).code).toBe(0);
    expect(fs.readdirSync(folder).filter((n) => n.startsWith('.staging-'))).toEqual([]);
    expect(fs.readlinkSync(path.join(folder, 'latest'))).toBe('v2');
  });
});

describe('foi render', () => {
  it('rebuilds from stored results the same bytes as the original run, without the data', () => {
    const project = exampleProject();
    expect(foi(['run', SPEC], { cwd: project }).code).toBe(0);
    // The data system is gone: render must not need it.
    fs.rmSync(path.join(project, REQ, 'cms_extract.csv'));
    fs.rmSync(path.join(project, REQ, 'connect_extract.xlsx'));
    const r = foi(['render', 'output/20192133/v1'], { cwd: project });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const v1 = snapshot(path.join(project, 'output/20192133/v1'));
    const v2 = snapshot(path.join(project, 'output/20192133/v2'));
    for (const f of Object.keys(v1).filter((f) => f !== 'manifest.json')) expect(v2[f], f).toBe(v1[f]);
    const m = readManifest(path.join(project, 'output/20192133/v2'));
    expect(m).toMatchObject({ mode: 'render', rendered_from: 'v1' });
    expect(foi(['verify', 'output/20192133/v2'], { cwd: project }).code).toBe(0);
  });
});

describe('foi diff', () => {
  it('reports exactly the figures one changed data row changes, and the changed input', () => {
    const project = exampleProject();
    expect(foi(['run', SPEC], { cwd: project }).code).toBe(0);
    const counts = (p: string) => exampleCounts(path.join(p, REQ, 'cms_extract.csv'), path.join(p, REQ, 'connect_extract.xlsx'));
    const old = counts(project);
    flipOneOnlineRow(project);
    const now = counts(project);
    expect(foi(['run', SPEC], { cwd: project }).code).toBe(0);

    const report = diff('output/20192133/v1', 'output/20192133/v2', project);
    expect(report.inputs).toEqual([expect.objectContaining({ kind: 'source', name: `${REQ}/cms_extract.csv` })]);

    // What should change, from the independent counts: Q1 per year and total.
    const expectQ1: string[] = [];
    for (const y of old.years) {
      if (old.byYear.get(y) !== now.byYear.get(y)) expectQ1.push(`${y}: ${old.byYear.get(y)} → ${now.byYear.get(y)}`);
    }
    expectQ1.push(`Total: ${old.total} → ${now.total}`);
    const q1 = report.tables.find((t) => t.id === 'crimes_by_year')!;
    expect(q1.changes.map((c) => `${c.row}: ${c.old} → ${c.new}`)).toEqual(expectQ1);
    expect(expectQ1).toHaveLength(2); // one year and the total: the row changed is in 2016
    // Q2: the 8L row, the 2016 column, and their totals; nothing else.
    const q2 = report.tables.find((t) => t.id === 'crimes_by_offence')!;
    expect(q2.changes.map((c) => `${c.row} · ${c.col}`).sort()).toEqual(
      ['Harassment · 2016', 'Harassment · Total', 'Total · 2016', 'Total · Total'].sort(),
    );
    // Every other table changes exactly where the independent counts do.
    const changedYears = (a: Map<number, number>, b: Map<number, number>) => old.years.filter((y) => a.get(y) !== b.get(y)).map(String);
    for (const [id, a, b] of [
      ['suspect_identified_by_year', old.suspectByYear, now.suspectByYear],
      ['victims_by_year', old.victimsByYear, now.victimsByYear],
      ['charged_by_year', old.chargedByYear, now.chargedByYear],
    ] as const) {
      const t = report.tables.find((x) => x.id === id);
      expect((t?.changes ?? []).filter((c) => !c.row.startsWith('Total')).map((c) => c.row), id).toEqual(changedYears(a, b));
    }
    const text = foi(['diff', 'output/20192133/v1', 'output/20192133/v2'], { cwd: project }).stdout;
    expect(text).toContain('source requests/20192133/cms_extract.csv');
    const y2016 = (c: typeof old) => (c.byYear.get(2016) ?? 0).toLocaleString('en-GB');
    expect(text).toContain(`2016 · Crimes: ${y2016(old)} → ${y2016(now)}`);
  });
});
