// Protocol documents: the AsyncAPI 3.1 document of the WebSocket protocol, built from the schema modules.
// It describes the service: it receives client actions and sends events (replies and pushes).

import { ACTIONS, type ActionName } from '../domain/index.js';
import { actionSchemaName, actionSummary } from './client-action-schemas.js';
import { ref } from './json-schema.js';
import { schemasUsedBy, SCHEMAS } from './schemas.js';
import {
  eventSchemaName,
  GATEWAY_ERROR,
  PUSHED_EVENTS,
  REPLIES,
  type EventType,
} from './server-event-schemas.js';
import { ROUTE_TABLE } from '../handlers/route-table.js';

export const PROTOCOL_VERSION = '1.0.0';

const CHANNEL = 'chat';
const channelRef = { $ref: `#/channels/${CHANNEL}` };
const messageRef = (name: string) => ({ $ref: `#/channels/${CHANNEL}/messages/${name}` });

/** Every event that answers an action or is pushed; a test holds this to the domain's full list. */
const EVENT_TYPES: readonly EventType[] = [
  ...new Set<EventType>([
    ...(Object.values(REPLIES).filter((type) => type !== null) as EventType[]),
    ...PUSHED_EVENTS,
    'error',
  ]),
];

function capitalised(name: string): string {
  return `${name[0]?.toUpperCase()}${name.slice(1)}`;
}

function actionMessage(action: ActionName) {
  return {
    name: action,
    title: `${action} action`,
    summary: actionSummary(action),
    payload: ref(actionSchemaName(action)),
  };
}

function eventMessage(type: EventType) {
  const name = eventSchemaName(type);
  const description = (SCHEMAS[name]?.['description'] as string | undefined) ?? '';
  return { name: type, title: `${type} event`, summary: description, payload: ref(name) };
}

function gatewayMessage() {
  const summary = SCHEMAS[GATEWAY_ERROR]?.['description'] as string;
  return { name: 'gateway_error', title: 'API Gateway error', summary, payload: ref(GATEWAY_ERROR) };
}

function receiveOperation(action: ActionName) {
  const answer = REPLIES[action];
  return {
    action: 'receive',
    channel: channelRef,
    summary: actionSummary(action),
    messages: [messageRef(actionSchemaName(action))],
    reply: {
      channel: channelRef,
      messages: [
        ...(answer === null ? [] : [messageRef(eventSchemaName(answer))]),
        messageRef(eventSchemaName('error')),
      ],
    },
    ...(answer === null ? { description: 'Answered only when it fails.' } : {}),
  };
}

function pushOperation(type: EventType) {
  return {
    action: 'send',
    channel: channelRef,
    summary: eventMessage(type).summary,
    messages: [messageRef(eventSchemaName(type))],
  };
}

const DESCRIPTION = [
  'The roomcast WebSocket protocol: clients send JSON actions and receive JSON events over one connection',
  'to an API Gateway WebSocket API. This document describes the service: the operations it receives are',
  'the client actions, those it sends are events. Every frame is one UTF-8 text frame holding one JSON',
  'object. See docs/protocol.md for the rules in prose: limits, lifecycle, delivery guarantees.',
].join(' ');

export function asyncApiDocument() {
  const messages = Object.fromEntries([
    ...ACTIONS.map((action) => [actionSchemaName(action), actionMessage(action)]),
    ...EVENT_TYPES.map((type) => [eventSchemaName(type), eventMessage(type)]),
    [GATEWAY_ERROR, gatewayMessage()],
  ]);
  const operations = Object.fromEntries([
    ...ACTIONS.map((action) => [`receive${capitalised(action)}`, receiveOperation(action)]),
    ...PUSHED_EVENTS.map((type) => [
      `push${capitalised(eventSchemaName(type).replace(/Event$/, ''))}`,
      pushOperation(type),
    ]),
    [
      'gatewayError',
      {
        action: 'send',
        channel: channelRef,
        summary: gatewayMessage().summary,
        messages: [messageRef(GATEWAY_ERROR)],
      },
    ],
  ]);
  const components = { messages };
  return {
    asyncapi: '3.1.0',
    info: {
      title: 'roomcast WebSocket protocol',
      version: PROTOCOL_VERSION,
      description: DESCRIPTION,
      license: { name: 'MIT' },
    },
    defaultContentType: 'application/json',
    servers: {
      aws: {
        host: '{apiId}.execute-api.{region}.amazonaws.com',
        pathname: '/{stage}',
        protocol: 'wss',
        description: 'A deployed stack (Terraform output `websocket_url`).',
        variables: {
          apiId: { description: 'The WebSocket API id.' },
          region: { default: 'eu-west-1' },
          stage: { default: 'prod' },
        },
        security: [{ $ref: '#/components/securitySchemes/token' }],
      },
      local: {
        host: 'localhost:3001',
        pathname: '/local',
        protocol: 'ws',
        description:
          '`make dev` (WS_PORT); with AUTH_MODE=anonymous no token is needed, `name` names the user.',
      },
    },
    channels: {
      [CHANNEL]: {
        address: '/',
        title: 'One connection',
        description:
          `API Gateway routes each client frame by \`${ROUTE_TABLE.routeSelectionExpression}\`: the \`action\` field names the action. ` +
          "Replies carry the action's `requestId` when it had one; pushed events never do.",
        messages: Object.fromEntries(
          Object.keys(messages).map((name) => [name, { $ref: `#/components/messages/${name}` }]),
        ),
        'x-route-selection-expression': ROUTE_TABLE.routeSelectionExpression,
        bindings: {
          ws: {
            bindingVersion: '0.1.0',
            query: {
              type: 'object',
              properties: {
                token: {
                  type: 'string',
                  description:
                    'The JWT naming the user (`sub`, `name`); the handshake is refused (401) without a valid one.',
                },
                name: {
                  type: 'string',
                  description: 'Anonymous mode (local stack) only: the display name to use.',
                },
              },
            },
          },
        },
      },
    },
    operations,
    components: {
      schemas: schemasUsedBy(components),
      messages,
      securitySchemes: {
        token: {
          type: 'httpApiKey',
          name: 'token',
          in: 'query',
          description:
            "A JWT in the `token` query parameter of the handshake (browsers cannot set headers on it), checked by the REQUEST authorizer: signature, expiry, `iat`/`nbf` within 60 s of the server's clock.",
        },
      },
    },
  };
}
