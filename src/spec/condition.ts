/**
 * The criteria language, parsed from its YAML form into a tree that both the rules (which check
 * it) and the SQL compiler (which translates it) walk.
 *
 *   where:
 *     online: true                      # equals
 *     offence_code: [8L, 8M, 8Q]        # in
 *     suspect: { blank: false }         # tests, all of which must hold
 *     any: [ {outcome: 1}, {outcome: 2} ]
 *     not: { outcome: 1 }
 */
import type { ConditionT } from './schema.js';

export type Scalar = string | number | boolean;

export type Op =
  | 'equals'
  | 'not'
  | 'in'
  | 'not_in'
  | 'between'
  | 'before'
  | 'after'
  | 'from'
  | 'to'
  | 'blank'
  | 'contains'
  | 'pattern';

export const OPS: readonly Op[] = [
  'equals', 'not', 'in', 'not_in', 'between', 'before', 'after', 'from', 'to', 'blank', 'contains', 'pattern',
];

export type CondNode =
  | { type: 'and'; items: CondNode[] }
  | { type: 'or'; items: CondNode[] }
  | { type: 'not'; item: CondNode }
  | { type: 'test'; field: string; op: Op; value: Scalar | Scalar[] | boolean; path: (string | number)[] };

export class ConditionError extends Error {
  constructor(
    message: string,
    readonly path: (string | number)[],
    readonly hint?: string,
  ) {
    super(message);
  }
}

const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Parses a condition; `path` is where it sits in the spec, so errors can be located. */
export function parseCondition(cond: ConditionT, path: (string | number)[]): CondNode {
  const items: CondNode[] = [];
  for (const [key, value] of Object.entries(cond)) {
    const here = [...path, key];
    if (key === 'all' || key === 'any') {
      if (!Array.isArray(value) || value.some((v) => v === null || typeof v !== 'object' || Array.isArray(v))) {
        throw new ConditionError(`"${key}" takes a list of conditions`, here, `e.g. ${key}: [ {outcome: 1}, {outcome: 2} ]`);
      }
      const sub = value.map((v, i) => parseCondition(v as ConditionT, [...here, i]));
      items.push({ type: key === 'all' ? 'and' : 'or', items: sub });
    } else if (key === 'not' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      items.push({ type: 'not', item: parseCondition(value as ConditionT, here) });
    } else {
      items.push(...parseTests(key, value, here));
    }
  }
  return items.length === 1 ? items[0]! : { type: 'and', items };
}

function parseTests(field: string, value: unknown, path: (string | number)[]): CondNode[] {
  if (isScalar(value)) return [{ type: 'test', field, op: 'equals', value, path }];
  if (Array.isArray(value)) {
    if (!value.every(isScalar) || value.length === 0) {
      throw new ConditionError(`the list for "${field}" must hold at least one plain value`, path);
    }
    return [{ type: 'test', field, op: 'in', value: value as Scalar[], path }];
  }
  if (value === null || typeof value !== 'object') {
    throw new ConditionError(`"${field}" needs a value to compare with`, path, 'to select blank values write { blank: true }');
  }
  const tests: CondNode[] = [];
  for (const [op, v] of Object.entries(value)) {
    const here = [...path, op];
    if (!(OPS as readonly string[]).includes(op)) {
      throw new ConditionError(`unknown test "${op}" on "${field}"`, here, `tests: ${OPS.join(', ')}`);
    }
    const o = op as Op;
    if (o === 'in' || o === 'not_in') {
      if (!Array.isArray(v) || v.length === 0 || !v.every(isScalar)) {
        throw new ConditionError(`"${op}" takes a list of values`, here);
      }
    } else if (o === 'between') {
      if (!Array.isArray(v) || v.length !== 2 || !v.every(isScalar)) {
        throw new ConditionError('"between" takes two values: [low, high]', here);
      }
    } else if (o === 'blank') {
      if (typeof v !== 'boolean') throw new ConditionError('"blank" takes true or false', here);
    } else if (o === 'contains' || o === 'pattern') {
      if (typeof v !== 'string') throw new ConditionError(`"${op}" takes text`, here);
    } else if (!isScalar(v)) {
      throw new ConditionError(`"${op}" takes one value`, here);
    }
    tests.push({ type: 'test', field, op: o, value: v as Scalar, path: here });
  }
  if (tests.length === 0) throw new ConditionError(`"${field}" has no tests`, path);
  return tests;
}

export function* testsOf(node: CondNode): Generator<Extract<CondNode, { type: 'test' }>> {
  if (node.type === 'test') yield node;
  else if (node.type === 'not') yield* testsOf(node.item);
  else for (const i of node.items) yield* testsOf(i);
}

/** Values a field is restricted to by a top-level equals/in (used to choose a breakdown's categories). */
export function restrictedValues(node: CondNode | undefined, field: string): Scalar[] | undefined {
  if (!node) return undefined;
  if (node.type === 'test' && node.field === field) {
    if (node.op === 'equals') return [node.value as Scalar];
    if (node.op === 'in') return node.value as Scalar[];
  }
  if (node.type === 'and') {
    for (const item of node.items) {
      const r = restrictedValues(item, field);
      if (r) return r;
    }
  }
  return undefined;
}
