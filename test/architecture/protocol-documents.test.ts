// Architecture: the protocol documents (docs/asyncapi.json, docs/openapi.json) are the generator's
// output, describe every action, event, error code and backend route there is, and pass the official
// AsyncAPI and OpenAPI parsers without an error.

import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import { ACTIONS, ERROR_CODES, type ServerEvent } from '../../src/domain/index.js';
import { ROUTE_TABLE } from '../../src/handlers/route-table.js';
import { protocolDocumentFiles } from '../../src/protocol-schema/documents.js';
import { apiAnswerProblem, clientFrameProblem, serverFrameProblem } from '../support/protocol-documents.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const committed = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const asyncApi = JSON.parse(committed('docs/asyncapi.json')) as Json;
const openApi = JSON.parse(committed('docs/openapi.json')) as Json;

/** Every event type, checked complete by the compiler: a new event type will not compile without it. */
const EVENT_TYPES: Record<ServerEvent['type'], true> = {
  message: true,
  direct: true,
  reactions_updated: true,
  ack: true,
  joined: true,
  left: true,
  presence: true,
  member_joined: true,
  member_left: true,
  typing: true,
  history: true,
  pong: true,
  whoami: true,
  notice: true,
  error: true,
  message_updated: true,
  message_deleted: true,
  room_reaction: true,
  status_changed: true,
  status: true,
  read_marker: true,
  unread: true,
  occupancy: true,
  removed: true,
  member_removed: true,
};

/** The component message names of the operations with this `action` (and their replies). */
function messagesOf(action: 'receive' | 'send', withReplies: boolean): string[] {
  const names: string[] = [];
  const add = (references: { $ref: string }[] = []) => {
    for (const { $ref } of references) {
      const id = $ref.split('/').pop() as string;
      names.push(asyncApi['components'].messages[id].name as string);
    }
  };
  for (const operation of Object.values(asyncApi['operations']) as Json[]) {
    if (operation['action'] === action) add(operation['messages']);
    if (withReplies) add(operation['reply']?.messages);
  }
  return [...new Set(names)].sort();
}

describe('the protocol documents', () => {
  it('are what make protocol-docs writes (run it after changing src/protocol-schema)', () => {
    for (const [path, contents] of Object.entries(protocolDocumentFiles()))
      expect(committed(path)).toBe(contents);
  });

  it('describe every action the route table routes and the parser takes, as something the service receives', () => {
    const routed = Object.keys(ROUTE_TABLE.routes).filter((key) => !key.startsWith('$'));
    expect(messagesOf('receive', false)).toEqual([...ACTIONS].sort());
    expect(messagesOf('receive', false)).toEqual(routed.sort());
    expect(asyncApi['channels'].chat['x-route-selection-expression']).toBe(
      ROUTE_TABLE.routeSelectionExpression,
    );
  });

  it('describe every event type as something the service sends, pushed or as a reply', () => {
    // And API Gateway's own error frame, which clients receive on the same connection.
    expect(messagesOf('send', true)).toEqual([...Object.keys(EVENT_TYPES), 'gateway_error'].sort());
  });

  it('describe every error code, in error frames and in the API error body', () => {
    expect(asyncApi['components'].schemas.ErrorCode.enum).toEqual([...ERROR_CODES]);
    expect(openApi['components'].schemas.ErrorCode.enum).toEqual([...ERROR_CODES]);
    const detailed = asyncApi['components'].schemas.ErrorDetailsByCode.allOf.map(
      (rule: Json) => rule['if'].properties.code.const,
    );
    expect(detailed).toEqual([...ERROR_CODES]);
  });

  it('describe every backend route of the route table, and no other', () => {
    const operations = Object.entries(openApi['paths'] as Record<string, Json>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(Object.keys(ROUTE_TABLE.httpRoutes).sort());
  });

  it('ask for the token of the handshake in the query, and SigV4 for the backend API', () => {
    expect(asyncApi['components'].securitySchemes.token).toMatchObject({
      type: 'httpApiKey',
      in: 'query',
      name: 'token',
    });
    expect(ROUTE_TABLE.authorizer.identitySources).toEqual(['route.request.querystring.token']);
    expect(openApi['security']).toEqual([{ sigv4: [] }]);
  });
});

describe('the official parsers', () => {
  const asyncApiErrors = async (document: Json) =>
    (await new Parser().validate(JSON.stringify(document))).filter((diagnostic) => diagnostic.severity === 0);

  it('find no error in the AsyncAPI document, and do find a broken reference', async () => {
    expect(await asyncApiErrors(asyncApi)).toEqual([]);
    const broken = structuredClone(asyncApi);
    broken['components'].messages.JoinAction.payload = { $ref: '#/components/schemas/NoSuchSchema' };
    expect((await asyncApiErrors(broken)).length).toBeGreaterThan(0);
  }, 20_000);

  it('find the OpenAPI document a valid OpenAPI 3.1 document, and not one with a parameter in the body', async () => {
    const validator = new Validator();
    expect(await validator.validate(openApi)).toEqual({ valid: true });
    expect(validator.version).toBe('3.1');
    const broken = structuredClone(openApi);
    broken['paths']['/broadcast'].post.parameters = [{ name: 'text', in: 'body' }];
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });
});

describe('the checks end-to-end suites run against the documents', () => {
  const message = {
    type: 'message',
    room: 'general',
    seq: 42,
    messageId: '01JGZ3W5T9K2M4Q6R8V0X2Z4B6',
    from: { userId: 'auth0|grace', displayName: 'Grace' },
    text: 'Standup in 5',
    sentAt: 1767225600000,
  };

  it('take a documented event and refuse one with a field, a type or a value the document does not list', () => {
    expect(serverFrameProblem(message)).toBeUndefined();
    expect(serverFrameProblem({ ...message, extra: 1 })).toMatch(/additional properties/);
    expect(serverFrameProblem({ ...message, type: 'welcome' })).toMatch(/no type/);
    expect(serverFrameProblem({ ...message, seq: 0 })).toMatch(/seq/);
    expect(
      serverFrameProblem({ type: 'error', code: 'rate_limited', message: 'slow down', details: {} }),
    ).toMatch(/retryAfterMs/);
  });

  it("take API Gateway's own error frame, the one without a type", () => {
    const gateway = {
      message: 'Endpoint request timed out',
      connectionId: 'L0SM9cOFvHcCIhw=',
      requestId: 'fE2mipPpgKI5Mx0=',
    };
    expect(serverFrameProblem(gateway)).toBeUndefined();
    expect(serverFrameProblem({ ...gateway, message: 'Forbidden' })).toMatch(/allowed values/);
    expect(serverFrameProblem('plain text')).toMatch(/no type/);
  });

  it('read client frames by their action', () => {
    expect(clientFrameProblem({ action: 'presence', room: 'lobby' })).toBeUndefined();
    expect(clientFrameProblem({ action: 'presence' })).toMatch(/room/);
    expect(clientFrameProblem({ action: 'nope' })).toMatch(/no action/);
  });

  it('read API answers by route and status', () => {
    const members = JSON.stringify({ room: 'lobby', members: [], truncated: false });
    expect(apiAnswerProblem('GET', '/rooms/lobby/members', 200, members)).toBeUndefined();
    expect(apiAnswerProblem('GET', '/rooms/lobby/members', 201, members)).toMatch(/not documented/);
    expect(apiAnswerProblem('DELETE', '/connections/abc=', 204, '')).toBeUndefined();
    const refused = JSON.stringify({
      error: { code: 'invalid_room', message: 'no', details: { field: 'room' } },
    });
    expect(apiAnswerProblem('GET', '/rooms/lobby/members', 400, refused)).toBeUndefined();
    expect(apiAnswerProblem('GET', '/rooms/lobby/members', 404, refused)).toMatch(/allowed values/);
  });
});
