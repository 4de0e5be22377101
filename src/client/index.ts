// Client SDK: the public entry (package export `roomcast/client`). Runs in browsers and in Node.

export { RoomcastClient } from './client.js';
export {
  deleteMessage,
  editMessage,
  markRead,
  react,
  removeMember,
  setStatus,
  unread,
} from './chat-actions.js';
export type * from './options.js';
export { RoomcastError, type ClientErrorCode } from './errors.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { systemClock, type Clock, type Random, type TimerHandle } from './clock.js';
export type { Source } from './sequence-cursor.js';
export type { RoomSnapshot } from './tracks.js';
export type { SocketCloseEvent, SocketMessageEvent, WebSocketFactory, WebSocketLike } from './socket.js';
export type * from './protocol.js';
export { CLIENT_ACTIONS } from './protocol.js';
export { parseServerFrame } from './server-frames.js';
// The service's own field rules, so a page checks what it is about to send the way the service will.
export {
  CLIENT_MSG_ID_RULE,
  isClientMsgId,
  isValidRoomName,
  isValidUserId,
  parseRoomField,
  parseUserField,
  ROOM_NAME_RULE,
  USER_ID_RULE,
} from '../domain/protocol/fields.js';
