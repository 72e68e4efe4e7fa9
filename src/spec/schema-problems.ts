/** Turns schema validation failures into located problems a person can act on. */
import type { z } from 'zod';
import type { Problem } from '../errors.js';
import { didYouMean } from '../util/suggest.js';
import type { Path, YamlSource } from './yaml.js';

type AnySchema = z.ZodType;
interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  valueType?: AnySchema;
  element?: AnySchema;
  innerType?: AnySchema;
  options?: AnySchema[];
  getter?: () => AnySchema;
  in?: AnySchema;
  values?: unknown[];
}
const defOf = (s: AnySchema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schemas that could describe the value at `path` (several where a union is undecided). */
function schemasAt(root: AnySchema, path: Path, data: unknown): AnySchema[] {
  let current: { schema: AnySchema; value: unknown }[] = [{ schema: root, value: data }];
  for (const seg of path) {
    const next: { schema: AnySchema; value: unknown }[] = [];
    for (const c of current.flatMap((x) => unwrap(x.schema).map((schema) => ({ schema, value: x.value })))) {
      const def = defOf(c.schema);
      const child = c.value !== null && typeof c.value === 'object' ? (c.value as Record<string, unknown>)[seg] : undefined;
      if (def.type === 'object' && def.shape && typeof seg === 'string' && seg in def.shape) {
        next.push({ schema: def.shape[seg]!, value: child });
      } else if (def.type === 'record' && def.valueType) {
        next.push({ schema: def.valueType, value: child });
      } else if (def.type === 'array' && def.element && typeof seg === 'number') {
        next.push({ schema: def.element, value: child });
      }
    }
    current = next;
  }
  return current.flatMap((c) => unwrap(c.schema));
}

function unwrap(s: AnySchema): AnySchema[] {
  const def = defOf(s);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
      return unwrap(def.innerType!);
    case 'lazy':
      return unwrap(def.getter!());
    case 'pipe':
      return unwrap(def.in!);
    case 'union':
      return def.options!.flatMap(unwrap);
    default:
      return [s];
  }
}

export function allowedKeysAt(root: AnySchema, path: Path, data: unknown): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(root, path, data)) {
    const def = defOf(s);
    if (def.type === 'object' && def.shape) Object.keys(def.shape).forEach((k) => keys.add(k));
  }
  return [...keys];
}

function describePath(path: Path): string {
  return path.length === 0 ? 'the spec' : `"${path.join('.')}"`;
}

function typeName(v: unknown): string {
  if (v === null) return 'null (nothing)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text "${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
  return `${typeof v} ${String(v)}`;
}

function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value lines)',
  record: 'a mapping (key: value lines)',
};

interface ZIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  keys?: string[];
  values?: unknown[];
  errors?: ZIssue[][];
  minimum?: number | bigint;
  origin?: string;
}

export function schemaProblems(issues: readonly ZIssue[], root: AnySchema, data: unknown, yaml: YamlSource): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const add = (p: Problem) => {
    const key = `${p.location?.line}:${p.location?.col}:${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  };
  const visit = (issue: ZIssue, base: Path) => {
    const path = [...base, ...(issue.path as (string | number)[])];
    const value = valueAt(data, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = allowedKeysAt(root, path, data);
        for (const key of issue.keys ?? []) {
          add({
            code: 'schema-unknown-key',
            severity: 'error',
            message: `unknown key "${key}" in ${describePath(path)}`,
            hint: didYouMean(key, allowed) ?? (allowed.length ? `allowed here: ${allowed.join(', ')}` : undefined),
            location: yaml.locate([...path, key], { key: true }),
          });
        }
        return;
      }
      case 'invalid_type': {
        if (value === undefined) {
          const key = path[path.length - 1];
          add({
            code: 'schema-missing',
            severity: 'error',
            message: `${describePath(path.slice(0, -1))} needs "${String(key)}"`,
            hint: `add "${String(key)}:" (${EXPECTED[issue.expected ?? ''] ?? issue.expected})`,
            location: yaml.locate(path.slice(0, -1), { key: true }),
          });
        } else {
          add({
            code: 'schema-type',
            severity: 'error',
            message: `${describePath(path)} should be ${EXPECTED[issue.expected ?? ''] ?? issue.expected}, not ${typeName(value)}`,
            hint: issue.expected === 'string' ? 'put quotes around it to make it text' : undefined,
            location: yaml.locate(path),
          });
        }
        return;
      }
      case 'invalid_value': {
        const allowed = (issue.values ?? []).map(String);
        add({
          code: 'schema-value',
          severity: 'error',
          message: `${describePath(path)} is ${typeName(value)}; it must be ${allowed.length === 1 ? allowed[0] : 'one of: ' + allowed.join(', ')}`,
          hint: typeof value === 'string' ? didYouMean(value, allowed) : undefined,
          location: yaml.locate(path),
        });
        return;
      }
      case 'invalid_union': {
        // Report the alternative that got furthest: the one whose problems lie deepest in the value.
        const branches = (issue.errors ?? []).filter((b) => b.length > 0);
        if (branches.length === 0) break;
        const depth = (b: ZIssue[]) => Math.max(...b.map((i) => i.path.length + (i.code === 'invalid_type' ? 0 : 0.5)));
        const best = branches.reduce((a, b) => (depth(b) > depth(a) ? b : a));
        if (depth(best) > 0 || branches.length === 1) {
          best.forEach((i) => visit(i, path));
          return;
        }
        const discriminator = value !== null && typeof value === 'object' ? (value as Record<string, unknown>).kind : undefined;
        add({
          code: 'schema-type',
          severity: 'error',
          message: `${describePath(path)} is not in a form this place accepts${discriminator !== undefined ? ` (kind "${String(discriminator)}")` : ''}`,
          hint: 'see the spec reference in the README, or run `foi schema`',
          location: yaml.locate(path),
        });
        return;
      }
      case 'too_small':
        add({
          code: 'schema-too-small',
          severity: 'error',
          message: `${describePath(path)} ${issue.origin === 'array' ? `needs at least ${issue.minimum} item(s)` : 'is empty'}`,
          location: yaml.locate(path),
        });
        return;
      default:
        break;
    }
    add({
      code: 'schema-invalid',
      severity: 'error',
      message: `${describePath(path)}: ${issue.message}`,
      location: yaml.locate(path),
    });
  };
  for (const issue of issues) visit(issue, []);
  return problems;
}
