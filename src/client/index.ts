// Client SDK: the public entry (package export `roomcast/client`). Runs in browsers and in Node.

export {
  RoomcastClient,
  type ClientEvents,
  type ConnectionState,
  type HistoryOptions,
  type HistoryTarget,
  type JoinOptions,
  type RoomcastClientOptions,
  type SendOptions,
} from './client.js';
export { RoomcastError, type ClientErrorCode } from './errors.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { systemClock, type Clock, type Random, type TimerHandle } from './clock.js';
export type { Source } from './sequence-cursor.js';
export type { RoomSnapshot } from './tracks.js';
export type { SocketCloseEvent, SocketMessageEvent, WebSocketFactory, WebSocketLike } from './socket.js';
export type * from './protocol.js';
