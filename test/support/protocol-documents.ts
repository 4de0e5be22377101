// Test support: the committed protocol documents (docs/asyncapi.json, docs/openapi.json) as validators,
// so end-to-end suites check every frame and every backend API answer against what the documents promise.
// Compiled on first use: suites that import the WebSocket client only for `waitFor` never pay for them.

import { readFileSync } from 'node:fs';
import { Ajv, type AnySchema, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

function load(name: string): Json {
  return JSON.parse(readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8')) as Json;
}

/** A schema taken out of a document, its local `$ref`s pointed back into that document. */
function rebased(value: unknown, documentId: string): unknown {
  if (Array.isArray(value)) return value.map((item) => rebased(item, documentId));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string' && inner.startsWith('#')
        ? `${documentId}${inner}`
        : rebased(inner, documentId),
    ]),
  );
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 600 ? `${text.slice(0, 600)}...` : text;
}

class DocumentValidators {
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(
    private readonly ajv: Ajv,
    private readonly id: string,
    readonly document: Json,
  ) {
    addFormats.default(ajv, ['uri']);
    ajv.addSchema(document as AnySchema, id);
  }

  /** Why `value` does not match `schema` (a schema of this document), or undefined when it does. */
  problem(schema: unknown, value: unknown, what: string): string | undefined {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (validate === undefined) {
      validate = this.ajv.compile(rebased(schema, this.id) as AnySchema);
      this.compiled.set(key, validate);
    }
    if (validate(value)) return undefined;
    const errors = (validate.errors ?? [])
      .slice(0, 6)
      .map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
    return `${what} does not match ${this.id}:\n    ${errors.join('\n    ')}\n  ${show(value)}`;
  }
}

let asyncApi: DocumentValidators | undefined;
let openApi: DocumentValidators | undefined;

function asyncApiValidators(): DocumentValidators {
  asyncApi ??= new DocumentValidators(
    new Ajv({ strict: false, allErrors: true }),
    'asyncapi.json',
    load('asyncapi.json'),
  );
  return asyncApi;
}

function openApiValidators(): DocumentValidators {
  openApi ??= new DocumentValidators(
    new Ajv2020({ strict: false, allErrors: true }),
    'openapi.json',
    load('openapi.json'),
  );
  return openApi;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Payloads {
  /** Action name -> payload schema of the messages the service receives. */
  readonly client: ReadonlyMap<string, unknown>;
  /** Event type -> payload schema of the messages it sends (pushed, or as replies). */
  readonly server: ReadonlyMap<string, unknown>;
}

let payloads: Payloads | undefined;

/** The AsyncAPI operations read as two tables: what the service receives and what it sends. */
function payloadsOf(document: Json): Payloads {
  const channels = document['channels'] as Record<string, { messages: Record<string, { $ref: string }> }>;
  const messages = (document['components'] as { messages: Record<string, Json> }).messages;
  const resolve = (reference: { $ref: string }): Json => {
    const [, channel = '', , id = ''] = reference.$ref.replace(/^#\//, '').split('/');
    const component = channels[channel]?.messages[id]?.$ref.split('/').pop() ?? '';
    return messages[component] as Json;
  };
  const client = new Map<string, unknown>();
  const server = new Map<string, unknown>();
  const add = (table: Map<string, unknown>, references: readonly { $ref: string }[] = []) => {
    for (const message of references.map(resolve)) table.set(message['name'] as string, message['payload']);
  };
  for (const operation of Object.values(document['operations'] as Record<string, Json>)) {
    const references = operation['messages'] as { $ref: string }[];
    add(operation['action'] === 'receive' ? client : server, references);
    add(server, (operation['reply'] as { messages?: { $ref: string }[] } | undefined)?.messages);
  }
  return { client, server };
}

function frameProblem(side: keyof Payloads, field: 'action' | 'type', frame: unknown): string | undefined {
  const validators = asyncApiValidators();
  payloads ??= payloadsOf(validators.document);
  const named = isObject(frame) ? frame[field] : undefined;
  // API Gateway's own error frame is the one without a `type`.
  const name = side === 'server' && isObject(frame) && !('type' in frame) ? 'gateway_error' : named;
  const payload = typeof name === 'string' ? payloads[side].get(name) : undefined;
  const what = `${side} frame`;
  if (payload === undefined) return `${what} has no ${field} of asyncapi.json\n  ${show(frame)}`;
  return validators.problem(payload, frame, `${what} "${String(name)}"`);
}

/** Why a frame a client sends breaks the AsyncAPI document (read as the gateway routes it: by `action`). */
export function clientFrameProblem(frame: unknown): string | undefined {
  return frameProblem('client', 'action', frame);
}

/** Why a frame the service sends breaks the AsyncAPI document (by its `type`). */
export function serverFrameProblem(frame: unknown): string | undefined {
  return frameProblem('server', 'type', frame);
}

/**
 * Why a backend API answer breaks the OpenAPI document: its route, its status among the operation's
 * responses, and its body against that response's schema (no body where none is documented).
 */
export function apiAnswerProblem(
  method: string,
  path: string,
  status: number,
  body: string,
): string | undefined {
  const validators = openApiValidators();
  const paths = validators.document['paths'] as Record<string, Record<string, Json>>;
  const route = Object.keys(paths).find((template) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
  const operation = route === undefined ? undefined : paths[route]?.[method.toLowerCase()];
  const what = `${method} ${path} answered ${status}`;
  if (route === undefined || operation === undefined) return `${what}: no such operation in openapi.json`;
  const response = (operation['responses'] as Record<string, Json>)[String(status)];
  if (response === undefined) return `${what}: status not documented for ${method} ${route}\n  ${body}`;
  const content = response['content'] as Record<string, { schema: unknown }> | undefined;
  const schema = content?.['application/json']?.schema;
  if (schema === undefined)
    return body === '' ? undefined : `${what}: a body where none is documented\n  ${body}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `${what}: the body is not JSON\n  ${body}`;
  }
  return validators.problem(schema, parsed, what);
}
