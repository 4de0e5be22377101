// Client SDK: incoming frames, from the socket's raw data to a typed server event. Frames come from the
// network, so each is checked for the fields the SDK relies on before it is trusted as its type.

import type { ServerEvent } from './protocol.js';

/** A frame as decoded JSON, before its type is known. */
export type Frame = Readonly<Record<string, unknown>>;

/** Decodes a text frame holding a JSON object; anything else is ignored. */
export function readFrame(data: unknown): Frame | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(data);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Frame)
      : undefined;
  } catch {
    return undefined;
  }
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number';

function isIdentity(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const user = value as Frame;
  return isString(user['userId']) && isString(user['displayName']);
}

const inRoom = (frame: Frame) => isString(frame['room']);

/** An edit or delete entry: in a room or between two users, with its own seq and the one it changes. */
const amended = (f: Frame) =>
  (isString(f['room']) || Array.isArray(f['users'])) &&
  isNumber(f['seq']) &&
  isNumber(f['target']) &&
  isIdentity(f['by']);
const roomUpdate = (frame: Frame) => isString(frame['room']) && isIdentity(frame['user']);
const roomSnapshot = (frame: Frame) => isString(frame['room']) && Array.isArray(frame['members']);

/** What each event must carry for the SDK to act on it. */
const SHAPES: { readonly [T in ServerEvent['type']]: (frame: Frame) => boolean } = {
  message: (f) => isString(f['room']) && isNumber(f['seq']) && isIdentity(f['from']),
  direct: (f) => isString(f['to']) && isNumber(f['seq']) && isIdentity(f['from']),
  message_updated: (f) => amended(f) && isString(f['text']),
  message_deleted: amended,
  reactions_updated: (f) => isNumber(f['seq']) && Array.isArray(f['reactions']),
  ack: (f) => isNumber(f['seq']) && isString(f['messageId']),
  joined: roomSnapshot,
  left: inRoom,
  removed: inRoom,
  presence: roomSnapshot,
  member_joined: roomUpdate,
  member_left: roomUpdate,
  member_removed: inRoom,
  typing: roomUpdate,
  occupancy: (f) => isString(f['room']) && isNumber(f['connections']) && isNumber(f['users']),
  room_reaction: (f) => roomUpdate(f) && isString(f['reaction']),
  status_changed: (f) => roomUpdate(f) && isString(f['status']),
  status: (f) => isString(f['status']),
  read_marker: (f) => isNumber(f['readSeq']) && isNumber(f['unread']),
  unread: (f) => Array.isArray(f['conversations']),
  history: (f) => Array.isArray(f['messages']),
  pong: (f) => isNumber(f['serverTime']),
  whoami: (f) => isIdentity(f['user']),
  notice: (f) => isString(f['text']),
  error: (f) => isString(f['code']) && isString(f['message']),
};

function isServerEvent(frame: Frame): frame is Frame & ServerEvent {
  const type = frame['type'];
  return isString(type) && Object.hasOwn(SHAPES, type) && SHAPES[type as ServerEvent['type']](frame);
}

/** The typed event a decoded frame holds, or undefined for kinds and shapes the SDK does not know. */
export function toServerEvent(frame: Frame): ServerEvent | undefined {
  return isServerEvent(frame) ? frame : undefined;
}

/** Raw socket data to a typed event, in one step. */
export function parseServerFrame(data: unknown): ServerEvent | undefined {
  const frame = readFrame(data);
  return frame === undefined ? undefined : toServerEvent(frame);
}
