// React bindings: the public entry (package export `@roomcast/client/react`). `react` is a peer
// dependency: these modules import it, and no bundle of the client includes it.

export { RoomcastProvider, useRoomcastClient, type RoomcastProviderProps } from './provider.js';
export {
  useConnection,
  useDirect,
  usePresence,
  useRoom,
  useRoomReactions,
  useTyping,
  useUnread,
  type RoomReactionsState,
  type UnreadState,
  type ConversationActions,
  type DirectState,
  type RoomState,
  type TypingState,
} from './hooks.js';
export type { ConnectionView, RoomcastBindingsSettings } from './store.js';
export type { ConversationView } from './conversation.js';
export type { JoinStatus, JoinView, PresenceView } from './entries.js';
export type { OutgoingMessage, SendStatus } from './sends.js';
export type { ShownReaction } from './reaction-feed.js';
export type { UnreadView } from './unread-board.js';
