/** Excel extracts: read with foi's own streaming-free .xlsx reader and appended to DuckDB as text. */
import fs from 'node:fs';
import type { Db } from '../db/duckdb.js';
import { ident } from '../db/duckdb.js';
import type { SourceDef } from '../types.js';
import { readXlsxSheet, type SheetData } from './xlsx-reader.js';

export function readXlsxFile(src: SourceDef): SheetData {
  return readXlsxSheet(fs.readFileSync(src.path), { sheet: src.xlsx.sheet, headerRow: src.xlsx.headerRow, file: src.file });
}

export function readXlsxHeader(src: SourceDef): string[] {
  return readXlsxFile(src).header;
}

/** Loads the sheet into `table`, every column as text named c1…cN. */
export async function ingestXlsx(db: Db, src: SourceDef, table: string): Promise<string[]> {
  const { header, rows } = readXlsxFile(src);
  await db.run(`CREATE TABLE ${ident(table)} (${header.map((_, i) => `c${i + 1} VARCHAR`).join(', ')})`);
  await db.appendText(table, rows);
  return header;
}
