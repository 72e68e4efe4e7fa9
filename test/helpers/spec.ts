/** Small specs written by tests: a request folder with a spec and its data, in a temporary folder. */
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { tmpDir } from './tmp.js';

export interface SpecParts {
  fields: Record<string, unknown>;
  sources: Record<string, unknown>;
  criteria: Record<string, unknown>;
  tables: Record<string, unknown>;
}

/** A complete spec around the parts a test cares about; every table answers its own question. */
export function specYaml(parts: SpecParts): string {
  return stringify({
    version: 1,
    reference: 'TEST-1',
    title: 'Test request',
    received: '2020-01-06',
    letter_date: '2020-01-20',
    authority: { name: 'Test Council', address: ['Town Hall', 'Testville TE1 1ST'], email: 'foi@test.example', signatory: { name: 'Pat Doe', role: 'Information Officer' } },
    questions: Object.keys(parts.tables).map((id) => ({ text: `Question about ${id}?`, answer: { kind: 'provided', tables: [id] } })),
    fields: parts.fields,
    sources: parts.sources,
    criteria: parts.criteria,
    tables: parts.tables,
  });
}

/** Writes the spec and data files into a new request folder and returns the spec's path. */
export function writeRequest(parts: SpecParts, files: Record<string, string | Buffer> = {}): string {
  const dir = tmpDir('foi-spec-');
  for (const [name, data] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), data);
  const spec = path.join(dir, 'request.yaml');
  fs.writeFileSync(spec, specYaml(parts));
  return spec;
}
