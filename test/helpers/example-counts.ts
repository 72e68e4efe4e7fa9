/**
 * The example request's figures computed straight from the two raw extracts, in plain
 * TypeScript: a CSV parser and an .xlsx reader written here, loops and counters. It shares
 * nothing with foi's query path (no DuckDB, no exceljs, no mapping code), so agreement between
 * the two is evidence, not tautology.
 */
import fs from 'node:fs';
import { readXlsx } from './office.js';

export interface Crime {
  system: 'cms' | 'connect';
  date: string;
  code: string;
  online: boolean;
  outcome: number | null;
  victim: string;
  suspect: string;
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

const MON: Record<string, string> = {
  JAN: '01', FEB: '02', MAR: '03', APR: '04', MAY: '05', JUN: '06',
  JUL: '07', AUG: '08', SEP: '09', OCT: '10', NOV: '11', DEC: '12',
};

export function readCms(file: string): Crime[] {
  const [header, ...rows] = parseCsv(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  const col = (name: string) => header!.indexOf(name);
  const [d, c, f, o, v, s] = ['STATS_DATE', 'HO_CLASS', 'ONLINE_FLAG', 'OUTCOME_CODE', 'VICTIM_REF', 'SUSPECT_REF'].map(col);
  return rows
    .filter((r) => r.length > 1)
    .map((r) => {
      const [dd, mon, yyyy] = r[d!]!.split('-');
      return {
        system: 'cms' as const,
        date: `${yyyy}-${MON[mon!.toUpperCase()]}-${dd}`,
        code: r[c!]!.trim().toUpperCase(),
        online: r[f!]!.trim().toUpperCase() === 'Y',
        outcome: r[o!]!.trim() === '' ? null : Number(r[o!]),
        victim: r[v!]!.trim(),
        suspect: r[s!]!.trim(),
      };
    });
}

/** Excel serial day number (1900 system) → YYYY-MM-DD. */
function serialToDate(serial: number): string {
  const ms = Math.round((serial - 25569) * 86400) * 1000;
  return new Date(ms).toISOString().slice(0, 10);
}

export function readConnect(file: string, sheet = 'Crimes', headerRow = 4): Crime[] {
  const wb = readXlsx(fs.readFileSync(file));
  const cells = wb.sheets.get(sheet)!;
  const byRow = new Map<number, Map<string, string>>();
  for (const [ref, cell] of cells) {
    const m = /^([A-Z]+)(\d+)$/.exec(ref)!;
    const r = Number(m[2]);
    if (!byRow.has(r)) byRow.set(r, new Map());
    byRow.get(r)!.set(m[1]!, cell.value);
  }
  const header = byRow.get(headerRow)!;
  const letter = (name: string) => [...header].find(([, v]) => v === name)![0];
  const [ref, d, c, f, o, v, s] = [
    'crime_reference', 'incident_created_at', 'offence_code', 'online_crime_flag', 'outcome', 'victim_person_id', 'suspect_person_id',
  ].map(letter);
  const out: Crime[] = [];
  for (const [r, row] of [...byRow].sort((a, b) => a[0] - b[0])) {
    if (r <= headerRow || !row.get(ref!)) continue;
    const outcome = /^Outcome (\d+) - /.exec(row.get(o!) ?? '');
    out.push({
      system: 'connect',
      date: serialToDate(Number(row.get(d!))),
      code: (row.get(c!) ?? '').trim().toUpperCase(),
      online: (row.get(f!) ?? '').trim().toLowerCase() === 'yes',
      outcome: outcome ? Number(outcome[1]) : null,
      victim: (row.get(v!) ?? '').trim(),
      suspect: (row.get(s!) ?? '').trim(),
    });
  }
  return out;
}

export interface ExampleCounts {
  years: number[];
  byYear: Map<number, number>;
  byOffenceYear: Map<string, Map<number, number>>;
  suspectByYear: Map<number, number>;
  victimsByYear: Map<number, number>;
  victimsTotal: number;
  outcomeByYear: Map<number | null, Map<number, number>>;
  chargedByYear: Map<number, number>;
  total: number;
}

const inc = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);

/** The seven questions' figures, from the rules as an FOI officer would state them. */
export function exampleCounts(cmsFile: string, connectFile: string): ExampleCounts {
  const crimes = [
    ...readCms(cmsFile).filter((x) => x.date >= '2014-01-01' && x.date <= '2017-12-04'),
    ...readConnect(connectFile).filter((x) => x.date >= '2017-12-05' && x.date <= '2019-09-30'),
  ].filter((x) => x.online && ['8L', '8M', '8Q'].includes(x.code));
  const year = (x: Crime) => Number(x.date.slice(0, 4));
  const counts: ExampleCounts = {
    years: [2014, 2015, 2016, 2017, 2018, 2019],
    byYear: new Map(),
    byOffenceYear: new Map(['8L', '8M', '8Q'].map((c) => [c, new Map()])),
    suspectByYear: new Map(),
    victimsByYear: new Map(),
    victimsTotal: new Set(crimes.map((x) => x.victim)).size,
    outcomeByYear: new Map(),
    chargedByYear: new Map(),
    total: crimes.length,
  };
  const victims = new Map<number, Set<string>>();
  for (const x of crimes) {
    const y = year(x);
    inc(counts.byYear, y);
    inc(counts.byOffenceYear.get(x.code)!, y);
    if (!victims.has(y)) victims.set(y, new Set());
    victims.get(y)!.add(x.victim);
    if (x.suspect !== '') {
      inc(counts.suspectByYear, y);
      if (!counts.outcomeByYear.has(x.outcome)) counts.outcomeByYear.set(x.outcome, new Map());
      inc(counts.outcomeByYear.get(x.outcome)!, y);
    }
    if (x.outcome === 1) inc(counts.chargedByYear, y);
  }
  for (const [y, s] of victims) counts.victimsByYear.set(y, s.size);
  return counts;
}
