/** The spec's JSON Schema for editors, generated from the same schema the validator uses. */
import { z } from 'zod';
import { Spec } from './schema.js';

export const SCHEMA_ID = 'https://foi.example/schema/request.schema.json';

export function specJsonSchema(): Record<string, unknown> {
  const { $schema, ...schema } = z.toJSONSchema(Spec, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { $schema, $id: SCHEMA_ID, title: 'foi request spec', ...schema };
}

export function specJsonSchemaText(): string {
  return JSON.stringify(specJsonSchema(), null, 2) + '\n';
}
