// Protocol documents: the error codes, each with the `details` it carries, shared by error frames and the
// backend API's error bodies. Typed by ErrorCode, so a new code does not compile until it is described.

import { ACTIONS, ERROR_CODES, ERROR_STATUS, type ErrorCode } from '../domain/index.js';
import { closedObject, ref, type JsonSchema } from './json-schema.js';

const field: JsonSchema = { type: 'string', description: 'The offending field.' };
const count = (description: string): JsonSchema => ({ type: 'integer', minimum: 0, description });

/** What `details` holds for each code; `null` where the code carries none. */
export const ERROR_DETAILS: Readonly<Record<ErrorCode, JsonSchema | null>> = {
  invalid_json: null,
  // A frame or body that is not an object names no field.
  invalid_request: closedObject({ field }, []),
  unknown_action: closedObject({ validActions: { type: 'array', items: { enum: [...ACTIONS] } } }, [
    'validActions',
  ]),
  invalid_room: closedObject({ field }, ['field']),
  invalid_user: closedObject({ field }, ['field']),
  not_a_member: closedObject({ room: ref('RoomName') }, ['room']),
  not_found: closedObject({ seq: ref('SequenceNumber') }, ['seq']),
  // The message a user may not change, or the room they may not enter (none: a read-only user's write).
  forbidden: {
    oneOf: [
      closedObject({ seq: ref('SequenceNumber') }, ['seq']),
      closedObject({ room: ref('RoomName') }, ['room']),
    ],
  },
  unknown_room: closedObject({ room: ref('RoomName') }, ['room']),
  unknown_connection: closedObject({ connectionId: ref('ConnectionId') }, ['connectionId']),
  message_too_large: {
    oneOf: [
      closedObject({ maxTextChars: count('The longest text allowed, in code points.') }, ['maxTextChars']),
      closedObject(
        {
          bytes: count('The size the message event would have.'),
          maxFrameBytes: count('The largest event, in bytes.'),
        },
        ['bytes', 'maxFrameBytes'],
      ),
    ],
  },
  rate_limited: closedObject({ retryAfterMs: count('Wait this long before sending again.') }, [
    'retryAfterMs',
  ]),
  too_many_connections: closedObject({ maxConnections: count('Live connections a user may hold.') }, [
    'maxConnections',
  ]),
  too_many_rooms: closedObject({ maxRooms: count('Rooms a connection may be in.') }, ['maxRooms']),
  too_many_reactions: closedObject(
    { seq: ref('SequenceNumber'), max: count('Different reactions a message may carry.') },
    ['seq', 'max'],
  ),
  unauthorized: null,
  unavailable: closedObject({ retryable: { const: true } }, ['retryable']),
  internal_error: null,
};

/** Each code with its status, for the documents' descriptions. */
const CODE_TABLE = ERROR_CODES.map((code) => `\`${code}\` (${ERROR_STATUS[code]})`).join(', ');

/** An object with `code` and optional `details`: the details must be the code's. */
const detailsByCode: JsonSchema = {
  allOf: ERROR_CODES.map((code) => {
    const details = ERROR_DETAILS[code];
    return {
      if: { properties: { code: { const: code } }, required: ['code'] },
      then: details === null ? { not: { required: ['details'] } } : { properties: { details } },
    };
  }),
};

export const ERROR_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  ErrorCode: {
    enum: [...ERROR_CODES],
    description: `A stable, machine-readable code; its HTTP-style status in brackets: ${CODE_TABLE}.`,
  },
  ErrorDetailsByCode: detailsByCode,
  ErrorEvent: {
    ...closedObject(
      {
        type: { const: 'error' },
        code: ref('ErrorCode'),
        message: { type: 'string', description: 'For people; its wording may change.' },
        requestId: ref('RequestId'),
        details: { type: 'object' },
      },
      ['type', 'code', 'message'],
      'An action failed. Carries its `requestId` when the frame had a well-formed one.',
    ),
    allOf: [ref('ErrorDetailsByCode')],
  },
  ApiError: closedObject(
    {
      error: {
        ...closedObject(
          {
            code: { anyOf: [ref('ErrorCode'), { const: 'unsupported_media_type' }] },
            message: { type: 'string', description: 'For people; its wording may change.' },
            details: { type: 'object' },
            requestId: {
              type: 'string',
              description: 'With `internal_error`: the request id, the key to the function logs.',
            },
          },
          ['code', 'message'],
        ),
        allOf: [ref('ErrorDetailsByCode')],
      },
    },
    ['error'],
    'A refused or failed request. `unsupported_media_type` (415) comes from the local stack only.',
  ),
  GatewayMessage: closedObject(
    { message: { type: 'string' } },
    ['message'],
    "API Gateway's own answer, e.g. a request without a valid signature (403).",
  ),
};
