// Protocol documents: the JSON Schema vocabulary the schema modules write in, kept to the keywords
// JSON Schema draft-07 (AsyncAPI's schema format) and 2020-12 (OpenAPI 3.1's) read alike.

/** A JSON Schema as plain data, exactly as it is written into the documents. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** A named schema of `components.schemas`, the one place both documents keep them. */
export function ref(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

/** An object with exactly these properties, `required` of them always present. */
export function closedObject(
  properties: Readonly<Record<string, JsonSchema>>,
  required: readonly string[],
  description?: string,
): JsonSchema {
  return {
    type: 'object',
    ...(description === undefined ? {} : { description }),
    required: [...required],
    properties,
    additionalProperties: false,
  };
}

/** The names of the schemas a value refers to, directly or through others, in `schemas`. */
export function reachableSchemas(
  roots: unknown,
  schemas: Readonly<Record<string, JsonSchema>>,
): ReadonlySet<string> {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, inner] of Object.entries(value)) {
      const name = key === '$ref' && typeof inner === 'string' ? schemaNameOf(inner) : undefined;
      if (name !== undefined && !found.has(name)) {
        found.add(name);
        visit(schemas[name]);
      } else visit(inner);
    }
  };
  visit(roots);
  return found;
}

function schemaNameOf(pointer: string): string | undefined {
  return /^#\/components\/schemas\/([^/]+)$/.exec(pointer)?.[1];
}
