// Protocol documents: the OpenAPI 3.1 document of the backend HTTP API, built from the schema modules:
// one operation per route of the route table, its errors grouped by the status of their code.

import { ERROR_STATUS, type ErrorCode } from '../domain/index.js';
import { PROTOCOL_VERSION } from './asyncapi-document.js';
import { HTTP_ROUTES, type HttpParameter, type HttpRouteDoc, type HttpRouteKey } from './http-api-schemas.js';
import { ref, type JsonSchema } from './json-schema.js';
import { schemasUsedBy } from './schemas.js';

const PARAMETERS: Readonly<
  Record<HttpParameter, { in: 'path' | 'query'; schema: string; description: string }>
> = {
  room: { in: 'path', schema: 'RoomName', description: 'The room.' },
  user: { in: 'path', schema: 'UserId', description: 'The user.' },
  connectionId: {
    in: 'path',
    schema: 'ConnectionId',
    description: 'The connection, as `whoami` reports it.',
  },
  seq: { in: 'path', schema: 'SequenceNumber', description: "The message's sequence number." },
  after: { in: 'query', schema: 'SequenceBound', description: 'Only messages after this sequence number.' },
  before: {
    in: 'query',
    schema: 'SequenceBound',
    description: 'Only messages before this one; more than `after` + 1.',
  },
  limit: { in: 'query', schema: 'PageLimit', description: 'Messages per page.' },
};

function parameter(name: HttpParameter) {
  const { in: where, schema, description } = PARAMETERS[name];
  return { name, in: where, required: where === 'path', description, schema: ref(schema) };
}

const json = (schema: JsonSchema) => ({ content: { 'application/json': { schema } } });

/** The error body of one status, naming the codes a route answers with it. */
function errorAnswer(status: number, codes: readonly string[]) {
  const schema = {
    allOf: [ref('ApiError')],
    properties: { error: { properties: { code: { enum: [...codes] } } } },
  };
  const listed = codes.map((code) => `\`${code}\``).join(', ');
  return { description: `${status >= 500 ? 'Failed' : 'Refused'}: ${listed}.`, ...json(schema) };
}

function errorAnswers(route: HttpRouteDoc, hasBody: boolean) {
  const byStatus = new Map<number, string[]>();
  for (const code of [...route.errors, 'internal_error'] as ErrorCode[]) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const answers: Record<string, unknown> = Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, codes]) => [String(status), errorAnswer(status, codes)]),
  );
  if (hasBody) {
    answers['415'] = {
      ...errorAnswer(415, ['unsupported_media_type']),
      description: 'The local stack only: a body sent as anything but `Content-Type: application/json`.',
    };
  }
  answers['403'] = {
    description: 'API Gateway refused the signature or IAM denied the call.',
    ...json(ref('GatewayMessage')),
  };
  return answers;
}

function operation(route: HttpRouteDoc) {
  const answers = Object.fromEntries(
    Object.entries(route.answers).map(([status, answer]) => [
      status,
      { description: answer.description, ...(answer.schema === undefined ? {} : json(ref(answer.schema))) },
    ]),
  );
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.parameters.length === 0 ? {} : { parameters: route.parameters.map(parameter) }),
    ...(route.body === undefined ? {} : { requestBody: { required: true, ...json(ref(route.body)) } }),
    responses: { ...answers, ...errorAnswers(route, route.body !== undefined) },
  };
}

function paths() {
  const result: Record<string, Record<string, unknown>> = {};
  for (const [key, route] of Object.entries(HTTP_ROUTES) as [HttpRouteKey, HttpRouteDoc][]) {
    const [method = '', path = ''] = key.split(' ');
    result[path] = { ...result[path], [method.toLowerCase()]: operation(route) };
  }
  return result;
}

const DESCRIPTION = [
  'The roomcast backend HTTP API: backends publish into rooms, write to users, broadcast, read a room and',
  'close connections. In AWS it is an API Gateway HTTP API with AWS_IAM authorization on every route',
  '(SigV4, service `execute-api`); `make dev` serves it without IAM under `/api` on loopback. Every error',
  'body is `{"error": {"code", "message", "details"?}}` with the status of its code. See docs/backend-api.md.',
].join(' ');

export function openApiDocument() {
  const documentPaths = paths();
  return {
    openapi: '3.1.0',
    info: {
      title: 'roomcast backend API',
      version: PROTOCOL_VERSION,
      description: DESCRIPTION,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: 'A deployed stack (Terraform output `backend_api_url`).',
        variables: {
          apiId: { default: 'abcde12345', description: 'The HTTP API id.' },
          region: { default: 'eu-west-1' },
        },
      },
      { url: 'http://localhost:3000/api', description: '`make dev` (WEB_PORT), loopback only, no IAM.' },
    ],
    security: [{ sigv4: [] }],
    paths: documentPaths,
    components: {
      schemas: schemasUsedBy(documentPaths),
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description:
            'AWS Signature Version 4 for the service `execute-api` (IAM authorization): sign with credentials allowed `execute-api:Invoke` on the route.',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
    },
  };
}
