/**
 * Reading YAML so that every value keeps its place in the file: problems found later (schema,
 * rules) are reported at `file:line:col`.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { FoiError, type Location, type Problem } from '../errors.js';

export type Path = readonly (string | number)[];

export interface YamlSource {
  /** The path as the user should see it (relative to the working directory). */
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Where the value at `path` is; with `key`, where its key is (for unknown or misspelt keys). */
  locate(path: Path, opts?: { key?: boolean }): Location;
}

/** An alias expanding to more nodes than this is refused (a "billion laughs" bomb). */
const MAX_ALIAS_COUNT = 100;

export function parseYaml(text: string, file: string): { source: YamlSource; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const at = (offset: number): Location => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const problems: Problem[] = [];
  for (const err of doc.errors) {
    const code = err.code === 'DUPLICATE_KEY' ? 'yaml-duplicate-key' : 'yaml-syntax';
    let message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    if (/call stack/i.test(message)) message = 'the YAML is nested too deeply to be a spec';
    problems.push({
      code,
      severity: 'error',
      message: code === 'yaml-duplicate-key' ? 'the same key appears twice in one mapping' : `YAML syntax error: ${message}`,
      hint:
        code === 'yaml-duplicate-key'
          ? 'remove or rename one of them: YAML keeps only one, so the other would be lost silently'
          : 'check indentation (spaces, not tabs), colons after keys, and quotes around text with ": " or "#"',
      location: at(err.pos[0]),
    });
  }
  for (const w of doc.warnings) {
    const message = w.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    // A tag such as !!js/function asks the reader to build something other than plain data.
    const tag = /Unresolved tag: (\S+)/.exec(message);
    problems.push(
      tag
        ? { code: 'yaml-tag', severity: 'error', message: `the YAML tag ${tag[1]} is not allowed in a spec`, hint: 'a spec holds plain values only: remove the tag (the text starting with !)', location: at(w.pos[0]) }
        : { code: 'yaml-warning', severity: 'warning', message, location: at(w.pos[0]) },
    );
  }
  const source: YamlSource = {
    file,
    doc,
    lineCounter,
    locate(path, opts = {}) {
      const found = findNode(doc.contents as Node | null, path);
      const node = opts.key ? (found.key ?? found.value) : (found.value ?? found.key);
      const range = node?.range ?? found.parent?.range;
      return range ? at(range[0]) : { file };
    },
  };
  return { source, problems };
}

/** Walks a path down the YAML tree as far as it goes. */
function findNode(
  root: Node | null,
  path: Path,
): { value?: Node | null; key?: Node | null; parent?: Node | null } {
  let node: Node | null = root;
  let key: Node | null = null;
  let parent: Node | null = null;
  for (const seg of path) {
    if (!node) break;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return { value: null, key: null, parent: node };
      parent = node;
      key = pair.key as Node;
      node = (pair.value as Node | null) ?? null;
    } else if (isSeq(node) && typeof seg === 'number') {
      parent = node;
      key = null;
      node = (node.items[seg] as Node | undefined) ?? null;
    } else {
      return { value: null, key: null, parent: node };
    }
  }
  return { value: node, key, parent };
}

/** Converts to plain JS, refusing alias bombs and keys that could pollute prototypes. */
export function toPlain(source: YamlSource): unknown {
  let value: unknown;
  try {
    value = source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/alias/i.test(msg)) {
      throw new FoiError('yaml-alias-bomb', 'the YAML expands aliases too many times (possible "billion laughs" attack)', {
        hint: `a spec needs at most a few aliases (*name); ${MAX_ALIAS_COUNT} expansions is the limit`,
        location: { file: source.file },
      });
    }
    throw new FoiError('yaml-syntax', `the YAML cannot be read: ${msg}`, { location: { file: source.file } });
  }
  return value;
}

/** Keys that must never reach an object, wherever they are in the tree. */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Finds them in the YAML tree itself, before any object is built from it. */
export function forbiddenKeyProblems(source: YamlSource): Problem[] {
  const problems: Problem[] = [];
  visit(source.doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && FORBIDDEN_KEYS.has(String(pair.key.value))) {
        const range = pair.key.range;
        const pos = range ? source.lineCounter.linePos(range[0]) : undefined;
        problems.push({
          code: 'yaml-forbidden-key',
          severity: 'error',
          message: `the key "${String(pair.key.value)}" is not allowed in a spec`,
          hint: 'it is never a valid field and could tamper with the program; remove it',
          location: pos ? { file: source.file, line: pos.line, col: pos.col } : { file: source.file },
        });
      }
    },
  });
  return problems;
}
