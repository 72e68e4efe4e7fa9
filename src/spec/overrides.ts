/**
 * `--set path=value`: rerun a spec with some values changed (a new period, a later letter date)
 * without editing it. The overrides are applied to the parsed YAML before it is checked, so they
 * are validated like everything else, and recorded in the manifest.
 */
import { parse } from 'yaml';
import { FoiError } from '../errors.js';
import type { YamlSource } from './yaml.js';

export interface Override {
  /** Dotted path into the spec, e.g. "criteria.period.to" or "questions.0.text". */
  path: string;
  value: unknown;
}

export function parseOverride(arg: string): Override {
  const eq = arg.indexOf('=');
  const path = eq > 0 ? arg.slice(0, eq).trim() : '';
  if (!path || !/^[A-Za-z0-9_$]+(\.[A-Za-z0-9_$]+)*$/.test(path)) {
    throw new FoiError('set-invalid', `--set "${arg}" is not of the form path=value`, {
      hint: 'e.g. --set criteria.period.to=2020-09-30 (the path is the keys from the top of the spec, joined by dots)',
    });
  }
  let value: unknown;
  try {
    // Read as YAML, so 2020-09-30 is text, true is a boolean and [8L, 8M] is a list, as in the spec.
    value = parse(arg.slice(eq + 1));
  } catch (e) {
    throw new FoiError('set-invalid', `the value in --set "${arg}" is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  return { path, value: value ?? null };
}

export function overridePath(o: Override): (string | number)[] {
  return o.path.split('.').map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
}

export function applyOverrides(source: YamlSource, overrides: readonly Override[]): void {
  for (const o of overrides) {
    try {
      source.doc.setIn(overridePath(o), source.doc.createNode(o.value));
    } catch (e) {
      throw new FoiError('set-invalid', `--set ${o.path}: ${(e as Error).message}`, {
        hint: 'the path must lead through mappings (and list positions) of the spec',
        location: { file: source.file },
      });
    }
  }
}
