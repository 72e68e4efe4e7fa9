/** Excel extracts, read with foi's own .xlsx reader (src/sources/xlsx-reader.ts). */
import fs from 'node:fs';
import type { SourceDef } from '../types.js';
import { readXlsxSheet, type SheetData } from './xlsx-reader.js';

export function readXlsxFile(src: SourceDef): SheetData {
  return readXlsxSheet(fs.readFileSync(src.path), { sheet: src.xlsx.sheet, headerRow: src.xlsx.headerRow, file: src.file });
}
