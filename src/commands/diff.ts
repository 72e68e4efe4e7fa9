/**
 * `foi diff a b`: two runs compared figure by figure (every cell and total of every table), and
 * the inputs that changed between them. Works from the stored results, so no data is needed.
 */
import path from 'node:path';
import { shapeTable } from '../query/run.js';
import type { Manifest } from '../record/manifest.js';
import { formatNumber } from '../render/markdown.js';
import type { ResultTable } from '../types.js';
import { loadStored, type StoredVersion } from './stored.js';

export interface FigureChange {
  row: string;
  col: string;
  /** The labels in the earlier run, where they differ (e.g. "2019 (January to September)" → "2019"). */
  rowBefore?: string;
  colBefore?: string;
  old: number | null;
  new: number | null;
}

export interface TableDiff {
  id: string;
  title: string;
  questions: number[];
  status: 'changed' | 'added' | 'removed';
  changes: FigureChange[];
}

export interface InputChange {
  kind: 'spec' | 'override' | 'template' | 'law' | 'source' | 'tool';
  name: string;
  old: string | null;
  new: string | null;
}

export interface DiffReport {
  a: { dir: string; version: string };
  b: { dir: string; version: string };
  inputs: InputChange[];
  tables: TableDiff[];
  figuresChanged: number;
  tablesUnchanged: number;
}

const TOTAL = '\u0000total';

/** Every figure of a table, by (row key, column key), with its labels. */
function figures(t: ResultTable): Map<string, { row: string; col: string; value: number }> {
  const out = new Map<string, { row: string; col: string; value: number }>();
  const crossTab = t.colDimLabel !== undefined;
  const totalLabel = t.totalsAreDistinct ? 'Total (each counted once)' : 'Total';
  const colKey = (i: number) => (crossTab ? String(t.cols[i]!.key) : 'value');
  const colLabel = (i: number) => (crossTab ? t.cols[i]!.label : t.measureLabel);
  t.rows.forEach((r, i) => {
    t.cells[i]!.forEach((v, j) => out.set(`${String(r.key)}|${colKey(j)}`, { row: r.label, col: colLabel(j), value: v }));
    if (crossTab) out.set(`${String(r.key)}|${TOTAL}`, { row: r.label, col: totalLabel, value: t.rowTotals[i]! });
  });
  t.cols.forEach((_, j) => out.set(`${TOTAL}|${colKey(j)}`, { row: totalLabel, col: colLabel(j), value: t.colTotals[j]! }));
  if (crossTab) out.set(`${TOTAL}|${TOTAL}`, { row: totalLabel, col: totalLabel, value: t.grandTotal });
  return out;
}

function compareTables(a: ResultTable | undefined, b: ResultTable | undefined): TableDiff | undefined {
  const t = (b ?? a)!;
  const fa = a ? figures(a) : new Map();
  const fb = b ? figures(b) : new Map();
  const changes: FigureChange[] = [];
  for (const key of new Set([...fa.keys(), ...fb.keys()])) {
    const x = fa.get(key);
    const y = fb.get(key);
    if (x?.value === y?.value) continue;
    const now = (y ?? x)!;
    changes.push({
      row: now.row,
      col: now.col,
      ...(x && y && x.row !== y.row ? { rowBefore: x.row } : {}),
      ...(x && y && x.col !== y.col ? { colBefore: x.col } : {}),
      old: x?.value ?? null,
      new: y?.value ?? null,
    });
  }
  if (changes.length === 0) return undefined;
  return { id: t.id, title: t.title, questions: t.questions, status: !a ? 'added' : !b ? 'removed' : 'changed', changes };
}

function inputChanges(a: Manifest, b: Manifest): InputChange[] {
  const out: InputChange[] = [];
  if (a.spec.sha256 !== b.spec.sha256) out.push({ kind: 'spec', name: b.spec.path, old: a.spec.sha256, new: b.spec.sha256 });
  const ov = (m: Manifest) => new Map(m.overrides.map((o) => [o.path, JSON.stringify(o.value)]));
  const [oa, ob] = [ov(a), ov(b)];
  for (const k of new Set([...oa.keys(), ...ob.keys()])) {
    if (oa.get(k) !== ob.get(k)) out.push({ kind: 'override', name: k, old: oa.get(k) ?? null, new: ob.get(k) ?? null });
  }
  // A database table has no fingerprint: it is listed only when it appears or disappears.
  const byPath = (xs: { path: string; sha256: string | null }[]) => new Map(xs.map((x) => [x.path, x.sha256 ?? 'database table']));
  for (const [kind, xa, xb] of [
    ['template', byPath(a.templates), byPath(b.templates)],
    ['law', byPath(a.law), byPath(b.law)],
    ['source', byPath(a.sources), byPath(b.sources)],
  ] as const) {
    for (const k of new Set([...xa.keys(), ...xb.keys()])) {
      if (xa.get(k) !== xb.get(k)) out.push({ kind, name: k, old: xa.get(k) ?? null, new: xb.get(k) ?? null });
    }
  }
  for (const k of ['foi', 'node', 'duckdb'] as const) {
    if (a.tools[k] !== b.tools[k] && a.tools[k] !== null && b.tools[k] !== null) {
      out.push({ kind: 'tool', name: k, old: a.tools[k], new: b.tools[k] });
    }
  }
  return out;
}

export function diffVersions(a: StoredVersion, b: StoredVersion): DiffReport {
  const ta = new Map(a.queryResults.map((q) => [q.table.id, shapeTable(a.request, q)]));
  const tb = new Map(b.queryResults.map((q) => [q.table.id, shapeTable(b.request, q)]));
  const ids = [...new Set([...tb.keys(), ...ta.keys()])];
  const tables = ids.map((id) => compareTables(ta.get(id), tb.get(id))).filter((d): d is TableDiff => d !== undefined);
  return {
    a: { dir: a.dir, version: a.version },
    b: { dir: b.dir, version: b.version },
    inputs: inputChanges(a.manifest, b.manifest),
    tables,
    figuresChanged: tables.reduce((n, t) => n + t.changes.length, 0),
    tablesUnchanged: ids.length - tables.length,
  };
}

export function diff(a: string, b: string, cwd = process.cwd()): DiffReport {
  return diffVersions(loadStored(a, cwd), loadStored(b, cwd));
}

const fmt = (n: number | null) => (n === null ? '(none)' : formatNumber(n));
const shortHash = (h: string | null) => (h === null ? '(none)' : /^[0-9a-f]{64}$/.test(h) ? h.slice(0, 12) + '…' : h);

export function formatDiff(r: DiffReport, cwd = process.cwd()): string {
  const rel = (d: string) => path.relative(cwd, d) || '.';
  const lines = [`foi diff: ${rel(r.a.dir)} → ${rel(r.b.dir)}`];
  if (r.inputs.length) {
    lines.push('', 'Inputs changed:');
    for (const i of r.inputs) lines.push(`  ${i.kind} ${i.name}: ${shortHash(i.old)} → ${shortHash(i.new)}`);
  } else lines.push('', 'Inputs: unchanged');
  if (r.tables.length) {
    lines.push('', 'Figures changed:');
    for (const t of r.tables) {
      const qs = t.questions.length ? `Q${t.questions.join(', Q')} · ` : '';
      lines.push(`  ${qs}${t.title} (${t.id})${t.status === 'changed' ? '' : ` [table ${t.status}]`}`);
      for (const c of t.changes) {
        const row = c.rowBefore ? `${c.rowBefore} → ${c.row}` : c.row;
        const col = c.colBefore ? `${c.colBefore} → ${c.col}` : c.col;
        lines.push(`    ${row} · ${col}: ${fmt(c.old)} → ${fmt(c.new)}`);
      }
    }
  }
  lines.push(
    '',
    r.figuresChanged === 0
      ? 'No figure changed.'
      : `${r.figuresChanged} figure${r.figuresChanged === 1 ? '' : 's'} changed in ${r.tables.length} table${r.tables.length === 1 ? '' : 's'}; ${r.tablesUnchanged} table${r.tablesUnchanged === 1 ? '' : 's'} unchanged.`,
  );
  return lines.join('\n');
}
