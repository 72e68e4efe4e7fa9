/**
 * The letter: a Markdown + Handlebars template (with front matter for the page) filled with the
 * escaped view, then turned into a Word document.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TemplateSet } from './templates.js';
import { templateSet } from './templates.js';
import { FoiError } from '../errors.js';
import type { Request } from '../types.js';
import { buildDocx, type LetterLayout } from './docx.js';
import type { LetterView } from './view.js';

export { templateSet, type TemplateSet } from './templates.js';

function rel(file: string): string {
  const r = path.relative(process.cwd(), file);
  return r && !r.startsWith('..') ? r.split(path.sep).join('/') : file;
}

/** Handlebars reports "Parse error on line 12" or "... - 12:4"; turn that into a location. */
function templateError(e: unknown, file: string, what: string): FoiError {
  const msg = e instanceof Error ? e.message : String(e);
  const parse = /Parse error on line (\d+)/.exec(msg);
  const strict = /^"([^"]+)" not defined in .*? - (\d+):(\d+)/.exec(msg);
  if (strict) {
    return new FoiError('template-unknown-value', `the template uses "${strict[1]}", which the letter's data does not have`, {
      hint: 'check the spelling against the data the templates receive (see the README), or wrap it in {{#if …}}',
      location: { file, line: Number(strict[2]), col: Number(strict[3]) + 1 },
    });
  }
  const detail = msg.split('\n').filter((l) => l.trim() && !/^-*\^$/.test(l.trim())).slice(-1)[0] ?? msg;
  return new FoiError(parse ? 'template-syntax' : 'template-error', `${what}: ${detail}`, {
    hint: parse ? 'check that every {{#if}} / {{#each}} is closed and every {{ has its }}' : undefined,
    location: parse ? { file, line: Number(parse[1]) } : { file },
  });
}

export interface LetterMarkdown {
  markdown: string;
  layout: Omit<LetterLayout, 'letterhead' | 'footer' | 'title' | 'creator'> & { title?: string };
}

/** Fills the template: Markdown text, and the page settings from its front matter. */
export async function fillTemplate(view: LetterView, templates: TemplateSet = templateSet()): Promise<LetterMarkdown> {
  const [{ default: Handlebars }, { default: matter }] = await Promise.all([import('handlebars'), import('gray-matter')]);
  const hb = Handlebars.create();
  const file = rel(templates.letter);
  let source: string;
  try {
    source = fs.readFileSync(templates.letter, 'utf8');
  } catch {
    throw new FoiError('template-missing', `the letter template "${file}" does not exist`, { location: { file } });
  }
  const fm = matter(source);
  // Line numbers in errors count from the top of the file, front matter included.
  const offset = source.slice(0, source.length - fm.content.length).split('\n').length - 1;
  const shift = (e: FoiError) =>
    e.location?.line !== undefined && e.location.file === file
      ? new FoiError(e.code, e.message, { hint: e.hint, location: { ...e.location, line: e.location.line + offset } })
      : e;

  for (const p of templates.files.slice(1)) {
    const name = path.basename(p, '.md.hbs');
    const text = fs.readFileSync(p, 'utf8');
    try {
      hb.registerPartial(name, hb.compile(text, { strict: true, noEscape: true }));
      hb.precompile(text, { strict: true });
    } catch (e) {
      throw templateError(e, rel(p), `the partial "${name}" cannot be read`);
    }
  }
  let markdown: string;
  try {
    hb.precompile(fm.content, { strict: true });
  } catch (e) {
    throw shift(templateError(e, file, 'the letter template cannot be read'));
  }
  try {
    markdown = hb.compile(fm.content, { strict: true, noEscape: true })(view);
  } catch (e) {
    throw shift(templateError(e, file, 'the letter template failed'));
  }
  const data = fm.data as Record<string, unknown>;
  return {
    markdown,
    layout: {
      font: typeof data.font === 'string' ? data.font : 'Arial',
      size: typeof data.size === 'number' ? data.size : 11,
      title: typeof data.title === 'string' ? data.title : undefined,
      subject: typeof data.subject === 'string' ? data.subject : undefined,
    },
  };
}

export async function renderLetter(req: Request, view: LetterView, templates?: TemplateSet): Promise<{ docx: Buffer; markdown: string }> {
  const { markdown, layout } = await fillTemplate(view, templates);
  const a = req.authority;
  const letterhead = [a.name, ...(a.unit ? [a.unit] : []), ...a.address, ...(a.email ? [a.email] : []), ...(a.phone ? [a.phone] : []), ...(a.website ? [a.website] : [])];
  const docx = await buildDocx(markdown, {
      ...layout,
      title: layout.title ?? `Freedom of Information request ${req.reference}`,
      subject: layout.subject ?? req.title,
      creator: a.name,
      letterhead,
      footer: `${a.name} · Reference ${req.reference}`,
  });
  return { docx, markdown };
}
