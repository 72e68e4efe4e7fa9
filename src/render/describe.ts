/** Criteria in words, for the letter and the annex's notes: the search explained as it was run. */
import { parseCondition, type CondNode, type Scalar } from '../spec/condition.js';
import type { ConditionT } from '../spec/schema.js';
import type { Request } from '../types.js';
import { dateProblem, longDate } from '../util/dates.js';

function fieldLabel(req: Request, field: string): string {
  const label = req.fields[field]?.label ?? field.replace(/_/g, ' ');
  return label.charAt(0).toLowerCase() + label.slice(1);
}

function valueText(req: Request, field: string, v: Scalar): string {
  const def = req.fields[field];
  if (def?.type === 'boolean') return v === true || v === 'true' ? 'yes' : 'no';
  if (def?.type === 'date' && typeof v === 'string' && !dateProblem(v)) return longDate(v);
  const label = def?.values?.[String(v)];
  return label ? `${v} (${label})` : String(v);
}

function list(items: string[], conj: 'and' | 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conj} ${items[items.length - 1]}`;
}

export function describeNode(req: Request, node: CondNode): string {
  switch (node.type) {
    case 'and':
      return list(node.items.map((i) => describeNode(req, i)), 'and');
    case 'or':
      return `either ${list(node.items.map((i) => describeNode(req, i)), 'or')}`;
    case 'not':
      return `not (${describeNode(req, node.item)})`;
    case 'test': {
      const f = `the ${fieldLabel(req, node.field)}`;
      const one = () => valueText(req, node.field, node.value as Scalar);
      const many = (conj: 'and' | 'or') => list((node.value as Scalar[]).map((v) => valueText(req, node.field, v)), conj);
      switch (node.op) {
        case 'equals':
          return `${f} is ${one()}`;
        case 'not':
          return `${f} is not ${one()}`;
        case 'in':
          return (node.value as Scalar[]).length === 1 ? `${f} is ${many('or')}` : `${f} is one of ${many('or')}`;
        case 'not_in':
          return `${f} is none of ${many('or')}`;
        case 'between':
          return `${f} is from ${many('and').replace(' and ', ' to ')}`;
        case 'before':
          return `${f} is before ${one()}`;
        case 'after':
          return `${f} is after ${one()}`;
        case 'from':
          return `${f} is ${one()} or later`;
        case 'to':
          return `${f} is ${one()} or earlier`;
        case 'blank':
          return node.value ? `no ${fieldLabel(req, node.field)} is recorded` : `a ${fieldLabel(req, node.field)} is recorded`;
        case 'contains':
          return `${f} contains "${String(node.value)}"`;
        case 'pattern':
          return `${f} matches the pattern "${String(node.value)}"`;
      }
    }
  }
}

/** One line per top-level condition, for a bulleted list. */
export function describeCondition(req: Request, cond: ConditionT | undefined, at: (string | number)[]): string[] {
  if (!cond) return [];
  const node = parseCondition(cond, at);
  return node.type === 'and' ? node.items.map((i) => describeNode(req, i)) : [describeNode(req, node)];
}
