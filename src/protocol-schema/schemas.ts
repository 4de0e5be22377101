// Protocol documents: every named schema, in the order the documents list them.

import { CLIENT_ACTION_SCHEMAS } from './client-action-schemas.js';
import { ERROR_SCHEMAS } from './error-schemas.js';
import { FIELD_SCHEMAS } from './field-schemas.js';
import { HTTP_SCHEMAS } from './http-api-schemas.js';
import { reachableSchemas, type JsonSchema } from './json-schema.js';
import { SERVER_EVENT_SCHEMAS } from './server-event-schemas.js';

export const SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  ...CLIENT_ACTION_SCHEMAS,
  ...SERVER_EVENT_SCHEMAS,
  ...ERROR_SCHEMAS,
  ...HTTP_SCHEMAS,
  ...FIELD_SCHEMAS,
};

/** The schemas a document's other parts refer to, and those they refer to, in SCHEMAS order. */
export function schemasUsedBy(parts: unknown): Record<string, JsonSchema> {
  const used = reachableSchemas(parts, SCHEMAS);
  return Object.fromEntries(Object.entries(SCHEMAS).filter(([name]) => used.has(name)));
}
