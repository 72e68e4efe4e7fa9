/**
 * Office files are zip archives, and neither docx nor exceljs writes them reproducibly (the
 * current time in docProps/core.xml and on every zip entry). This rewrites an archive so the
 * same content always gives the same bytes: entries in a fixed order, one fixed time on every
 * entry, the document's dates pinned, and compression by fflate (pure JavaScript, so the bytes do
 * not depend on the machine's zlib).
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';

/**
 * The date documents carry: SOURCE_DATE_EPOCH when set (the reproducible-builds.org convention),
 * otherwise the letter's date at midnight UTC.
 */
export function pinnedDate(letterDate: string, env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d+$/.test(epoch.trim())) return new Date(Number(epoch.trim()) * 1000);
  return new Date(`${letterDate}T00:00:00Z`);
}

/** W3CDTF without milliseconds, as Office writes it. */
function w3c(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** [Content_Types].xml and the package relationships first (as Office writes them), then by name. */
function entryOrder(a: string, b: string): number {
  const rank = (n: string) => (n === '[Content_Types].xml' ? 0 : n === '_rels/.rels' ? 1 : 2);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

export function normaliseOfficeZip(archive: Uint8Array, date: Date): Buffer {
  const entries = unzipSync(archive);
  const stamp = w3c(date);
  const core = entries['docProps/core.xml'];
  if (core) {
    const xml = new TextDecoder().decode(core).replace(
      /(<dcterms:(created|modified)\b[^>]*>)[^<]*(<\/dcterms:\2>)/g,
      (_, open: string, _tag: string, close: string) => `${open}${stamp}${close}`,
    );
    entries['docProps/core.xml'] = new TextEncoder().encode(xml);
  }
  // The zip format stores local date and time fields, which fflate reads from the Date in the
  // machine's time zone: a Date built from local fields gives the same bytes in every zone.
  // Noon avoids the hour a daylight-saving change can skip.
  // Zip times start in 1980.
  const year = Math.max(1980, date.getUTCFullYear());
  const mtime = new Date(year, date.getUTCMonth(), date.getUTCDate(), 12, 0, 0);
  const files: Zippable = {};
  for (const name of Object.keys(entries).filter((n) => !n.endsWith('/')).sort(entryOrder)) {
    files[name] = [entries[name]!, { mtime, level: 6, os: 0, attrs: 0 }];
  }
  return Buffer.from(zipSync(files));
}
