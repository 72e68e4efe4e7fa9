/**
 * Templates checked before anything runs: every name a template uses must exist in the data the
 * letter is given (in every branch, not only the ones this request takes), every helper and
 * partial must exist, and syntax errors are reported at the template's own line.
 */
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Problem } from '../errors.js';
import { didYouMean } from '../util/suggest.js';

/** The shape of template data: a plain value, an object with known keys, a list, or anything. */
export type Shape =
  | { kind: 'value' }
  | { kind: 'any' }
  | { kind: 'object'; fields: Record<string, Shape> }
  | { kind: 'list'; of: Shape };

export const V: Shape = { kind: 'value' };
export const ANY: Shape = { kind: 'any' };
export const obj = (fields: Record<string, Shape>): Shape => ({ kind: 'object', fields });
export const list = (of: Shape): Shape => ({ kind: 'list', of });

const BLOCK_HELPERS = new Set(['if', 'unless', 'each', 'with']);
const HELPERS = new Set(['lookup', 'log']);

interface Loc {
  start: { line: number; column: number };
}
interface Node {
  type: string;
  loc?: Loc;
  [k: string]: unknown;
}
interface PathNode extends Node {
  original: string;
  parts: string[];
  depth: number;
  data: boolean;
}

interface Frame {
  shape: Shape;
  /** Inside #each: @index, @first, @last, @key are available. */
  inEach: boolean;
}

function rel(file: string): string {
  const r = path.relative(process.cwd(), file);
  return r && !r.startsWith('..') ? r.split(path.sep).join('/') : file;
}

export function checkTemplate(
  text: string,
  file: string,
  root: Shape,
  partials: Map<string, { text: string; file: string }>,
  lineOffset = 0,
): Problem[] {
  const problems: Problem[] = [];
  const shown = rel(file);
  let ast: Node;
  try {
    ast = Handlebars.parse(text) as unknown as Node;
  } catch (e) {
    const msg = (e as Error).message;
    const line = /Parse error on line (\d+)/.exec(msg)?.[1];
    const detail = msg.split('\n').filter((l) => l.trim() && !/^-*\^$/.test(l.trim())).slice(-1)[0] ?? msg;
    return [
      {
        code: 'template-syntax',
        severity: 'error',
        message: `the template cannot be read: ${detail}`,
        hint: 'check that every {{#if}} / {{#each}} is closed by its {{/if}} / {{/each}} and every {{ has its }}',
        location: line ? { file: shown, line: Number(line) + lineOffset } : { file: shown },
      },
    ];
  }
  const at = (n: Node) => (n.loc ? { file: shown, line: n.loc.start.line + lineOffset, col: n.loc.start.column + 1 } : { file: shown });

  const resolve = (p: PathNode, stack: Frame[]): Shape | undefined => {
    if (p.data) {
      const [head, ...rest] = p.parts;
      if (head === 'root') return walk(p, stack[0]!.shape, rest);
      if (['index', 'first', 'last', 'key'].includes(head ?? '') && stack.some((f) => f.inEach)) return V;
      problems.push({
        code: 'template-unknown-value',
        severity: 'error',
        message: `the template uses "${p.original}", which only exists inside {{#each}}`,
        location: at(p),
      });
      return undefined;
    }
    const frame = stack[stack.length - 1 - p.depth];
    if (!frame) {
      problems.push({ code: 'template-unknown-value', severity: 'error', message: `"${p.original}" goes up more levels (../) than there are`, location: at(p) });
      return undefined;
    }
    return walk(p, frame.shape, p.parts);
  };

  const walk = (p: PathNode, start: Shape, parts: string[]): Shape | undefined => {
    let s = start;
    for (const part of parts) {
      if (s.kind === 'any') return ANY;
      if (s.kind !== 'object' || !(part in s.fields)) {
        const known = s.kind === 'object' ? Object.keys(s.fields) : [];
        problems.push({
          code: 'template-unknown-value',
          severity: 'error',
          message: `the template uses "${p.original}", which the letter's data does not have`,
          hint: didYouMean(part, known) ?? (known.length ? `available here: ${known.join(', ')}` : 'see the README for the data templates receive'),
          location: at(p),
        });
        return undefined;
      }
      s = s.fields[part]!;
    }
    return s;
  };

  const expr = (n: Node, stack: Frame[]): Shape | undefined => {
    if (n.type === 'PathExpression') return resolve(n as PathNode, stack);
    if (n.type === 'SubExpression') {
      visitCall(n, stack);
      return ANY;
    }
    return V; // literals
  };

  const visitCall = (n: Node, stack: Frame[]) => {
    const p = n.path as PathNode;
    const params = (n.params as Node[]) ?? [];
    if (p.type === 'PathExpression' && (params.length > 0 || (n.hash as Node | undefined)) && !p.data && p.depth === 0 && p.parts.length === 1) {
      if (!HELPERS.has(p.original)) {
        problems.push({ code: 'template-unknown-helper', severity: 'error', message: `the template calls "${p.original}", which is not a helper`, hint: `helpers: ${[...HELPERS, ...BLOCK_HELPERS].join(', ')}`, location: at(p) });
      }
      params.forEach((x) => expr(x, stack));
      return;
    }
    expr(p, stack);
  };

  const visited = new Set<string>();
  const body = (nodes: Node[], stack: Frame[]) => {
    for (const n of nodes) {
      switch (n.type) {
        case 'MustacheStatement':
          visitCall(n, stack);
          break;
        case 'BlockStatement': {
          const p = n.path as PathNode;
          const params = (n.params as Node[]) ?? [];
          const program = (n.program as { body: Node[] } | null)?.body ?? [];
          const inverse = (n.inverse as { body: Node[] } | null)?.body ?? [];
          if (!BLOCK_HELPERS.has(p.original)) {
            problems.push({ code: 'template-unknown-helper', severity: 'error', message: `{{#${p.original}}} is not a block helper`, hint: `block helpers: ${[...BLOCK_HELPERS].join(', ')}`, location: at(p) });
            break;
          }
          const arg = params[0] ? expr(params[0], stack) : undefined;
          if (p.original === 'each') {
            const inner: Shape = arg?.kind === 'list' ? arg.of : arg?.kind === 'object' ? ANY : ANY;
            body(program, [...stack, { shape: inner, inEach: true }]);
          } else if (p.original === 'with') {
            body(program, [...stack, { shape: arg ?? ANY, inEach: false }]);
          } else {
            body(program, stack);
          }
          body(inverse, stack);
          break;
        }
        case 'PartialStatement':
        case 'PartialBlockStatement': {
          const name = (n.name as PathNode).original;
          const partial = partials.get(name);
          if (!partial) {
            problems.push({ code: 'template-unknown-partial', severity: 'error', message: `the template includes the partial "${name}", which does not exist`, hint: didYouMean(name, partials.keys()) ?? `partials: ${[...partials.keys()].join(', ') || '(none)'}; put it in templates/partials/${name}.md.hbs`, location: at(n) });
          } else if (!visited.has(name)) {
            visited.add(name);
            problems.push(...checkTemplate(partial.text, partial.file, stack[stack.length - 1]!.shape, partials));
          }
          break;
        }
        default:
          break;
      }
    }
  };
  body((ast.body as Node[]) ?? [], [{ shape: root, inEach: false }]);
  return problems;
}

/** Checks the letter template and its partials against the shape of the letter's data. */
export function checkTemplateFiles(letterFile: string, partialFiles: string[], root: Shape): Problem[] {
  const partials = new Map(partialFiles.map((f) => [path.basename(f, '.md.hbs'), { text: fs.readFileSync(f, 'utf8'), file: f }]));
  let source: string;
  try {
    source = fs.readFileSync(letterFile, 'utf8');
  } catch {
    return [{ code: 'template-missing', severity: 'error', message: `the letter template "${rel(letterFile)}" does not exist`, location: { file: rel(letterFile) } }];
  }
  // Front matter (between --- lines) is page settings, not template text: skip it, keeping line numbers.
  const fm = /^---\r?\n[\s\S]*?\r?\n---\r?\n/.exec(source);
  const offset = fm ? fm[0].split('\n').length - 1 : 0;
  return checkTemplate(fm ? source.slice(fm[0].length) : source, letterFile, root, partials, offset);
}
