/** Where the letter template and its partials are: a light module, so checking a spec need not load docx. */
import fs from 'node:fs';
import path from 'node:path';
import { TEMPLATES_DIR } from '../paths.js';

export { TEMPLATES_DIR };

export interface TemplateSet {
  /** The letter template's path, as shown in messages. */
  letter: string;
  /** Every file the letter depends on (template and partials), absolute. */
  files: string[];
}

export function templateSet(dir = TEMPLATES_DIR): TemplateSet {
  const partialsDir = path.join(dir, 'partials');
  const partials = fs.existsSync(partialsDir)
    ? fs.readdirSync(partialsDir).filter((f) => f.endsWith('.md.hbs')).sort().map((f) => path.join(partialsDir, f))
    : [];
  return { letter: path.join(dir, 'letter.md.hbs'), files: [path.join(dir, 'letter.md.hbs'), ...partials] };
}

