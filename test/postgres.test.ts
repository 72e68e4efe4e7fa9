/**
 * Request 20192133 answered from PostgreSQL: the query runs in the database (only figures come
 * back), the figures equal the file-based example's, and hostile values stay values.
 * Needs the PostgreSQL on 127.0.0.1:5432 (.ci/run starts it) or FOI_PG_URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRequest } from '../src/pipeline.js';
import { validateSpec } from '../src/spec/validate.js';
import { foi } from './helpers/cli.js';
import { ROOT, tmpDir, edit } from './helpers/tmp.js';

const URL = process.env.FOI_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const SCHEMA = `foi_test_${process.pid}`;
let project: string;
let spec: string;

async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: URL });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

const results = (dir: string) =>
  Object.fromEntries(fs.readdirSync(path.join(dir, 'results')).map((f) => [f, fs.readFileSync(path.join(dir, 'results', f), 'utf8')]));

beforeAll(async () => {
  process.env.FOI_PG_URL = URL;
  const { loadExample } = (await import(path.join(ROOT, 'scripts/load-example-pg.mjs'))) as { loadExample: (u: string, s: string) => Promise<unknown> };
  await loadExample(URL, SCHEMA);
  project = tmpDir('foi-pg-');
  fs.mkdirSync(path.join(project, 'requests/20192133-pg'), { recursive: true });
  spec = path.join(project, 'requests/20192133-pg/request.yaml');
  fs.copyFileSync(path.join(ROOT, 'requests/20192133-pg/request.yaml'), spec);
  edit(spec, 'table: foi_example.cms_crimes', `table: ${SCHEMA}.cms_crimes`);
  edit(spec, 'table: foi_example.connect_crimes', `table: ${SCHEMA}.connect_crimes`);
}, 120_000);

afterAll(async () => {
  await sql(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
});

describe('PostgreSQL sources', () => {
  it('answer the example with exactly the figures of the file-based example', async () => {
    const fromPg = await runRequest(spec, { cwd: project, out: 'pg' });
    const fromFiles = await runRequest(path.join(ROOT, 'requests/20192133/request.yaml'), { cwd: ROOT, out: path.join(tmpDir(), 'files') });
    expect(results(fromPg.dir)).toEqual(results(fromFiles.dir));
    expect(Object.keys(results(fromPg.dir))).toHaveLength(6);
    // The annexes differ in nothing but where the data came from.
    const m = JSON.parse(fs.readFileSync(path.join(fromPg.dir, 'manifest.json'), 'utf8'));
    expect(m.tools.database).toMatch(/^PostgreSQL 1\d/);
    expect(m.sources.map((s: { path: string }) => s.path)).toEqual([`postgres:${SCHEMA}.cms_crimes`, `postgres:${SCHEMA}.connect_crimes`]);
  });

  it('runs the query in the database: each table is one statement over the tables, returning only figures', async () => {
    const r = await runRequest(spec, { cwd: project, out: 'pg2' });
    for (const q of r.manifest.queries) {
      expect(q.sql).toContain(`"${SCHEMA}"."cms_crimes"`);
      expect(q.sql).toContain('GROUPING SETS');
      expect(q.rows).toBeLessThan(200);
    }
  });

  it('hostile values are bound as parameters: nothing runs, the tables are intact', async () => {
    const before = await sql<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}.cms_crimes`);
    const hostile = "'; DROP TABLE cms_crimes; --";
    const dir = tmpDir('foi-pg-hostile-');
    const file = path.join(dir, 'request.yaml');
    fs.copyFileSync(spec, file);
    edit(file, '    offence_code: [8L, 8M, 8Q]', `    offence_code: [8L, 8M, 8Q, "${hostile}"]\n    victim: { not: "x' OR '1'='1" }`);
    edit(file, '      suspect: { blank: false }\n  victims_by_year', `      suspect: { blank: false }\n      offence_description: { not_in: ["${hostile}"] }\n  victims_by_year`);
    const r = await runRequest(file, { cwd: dir, out: 'out' });
    const after = await sql<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}.cms_crimes`);
    expect(after).toEqual(before);
    const tables = await sql<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [SCHEMA]);
    expect(tables.map((t) => t.table_name)).toEqual(['cms_crimes', 'connect_crimes']);
    // The value went to the database as a parameter, never inside the SQL.
    expect(r.manifest.selection.params).toContain(hostile);
    for (const q of r.manifest.queries) expect(q.sql).not.toContain('DROP');
    // And it is only a value: the figures are those of the example.
    expect(r.tables.find((t) => t.id === 'crimes_by_year')!.grandTotal).toBe(
      (await runRequest(spec, { cwd: project, out: 'pg3' })).tables.find((t) => t.id === 'crimes_by_year')!.grandTotal,
    );
  });

  it('a missing environment variable, table or column is a clear error', async () => {
    const dir = tmpDir('foi-pg-bad-');
    const file = path.join(dir, 'request.yaml');
    fs.copyFileSync(spec, file);
    const noEnv = foi(['run', 'request.yaml'], { cwd: dir, env: { FOI_PG_URL: '' } });
    expect(noEnv.code).toBe(1);
    expect(noEnv.stderr).toContain('error[postgres-env-missing]: the environment variable FOI_PG_URL is not set');
    edit(file, `table: ${SCHEMA}.cms_crimes`, `table: ${SCHEMA}.cms_crime`);
    const noTable = foi(['run', 'request.yaml'], { cwd: dir, env: { FOI_PG_URL: URL } });
    expect(noTable.stderr).toContain(`error[postgres-table-missing]: the database has no table ${SCHEMA}.cms_crime`);
    expect(noTable.stderr).toContain(`did you mean "${SCHEMA}.cms_crimes"?`);
    edit(file, `table: ${SCHEMA}.cms_crime`, `table: ${SCHEMA}.cms_crimes`);
    edit(file, 'victim: victim_ref', 'victim: victim_rf');
    const noColumn = foi(['run', 'request.yaml'], { cwd: dir, env: { FOI_PG_URL: URL } });
    expect(noColumn.stderr).toMatch(/request\.yaml:\d+:\d+ error\[source-column-unknown\]: "postgres:foi_test_\d+\.cms_crimes" has no column "victim_rf"/);
    expect(noColumn.stderr).toContain('did you mean "victim_ref"?');
    expect(fs.existsSync(path.join(dir, 'output'))).toBe(false);
  });

  it('foi validate checks the tables and columns in the database too', async () => {
    const dir = tmpDir('foi-pg-validate-');
    const file = path.join(dir, 'request.yaml');
    fs.copyFileSync(spec, file);
    expect((await validateSpec(file, { cwd: dir })).problems).toEqual([]);
    edit(file, 'suspect: suspect_ref', 'suspect: suspect_reff');
    expect((await validateSpec(file, { cwd: dir })).problems.map((p) => p.code)).toEqual(['source-column-unknown']);
  });
});
