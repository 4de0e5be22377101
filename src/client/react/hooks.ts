// React bindings: the hooks. Each reads the store's cells with `useSyncExternalStore` (no tearing
// between components) and holds what it shows from an effect: a room is joined while any component
// uses it and left when the last one unmounts.

import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { HistoryTarget } from '../options.js';
import type { DirectMessageEvent, Identity, RoomMessageEvent } from '../protocol.js';
import type { ShownReaction } from './reaction-feed.js';
import type { UnreadView } from './unread-board.js';
import type { Cell } from './cell.js';
import type { ConversationView } from './conversation.js';
import type { JoinView, PresenceView, RoomEntry } from './entries.js';
import { useRoomcastStore } from './provider.js';
import type { ConnectionView } from './store.js';

function useCell<T>(cell: Cell<T>): T {
  return useSyncExternalStore(cell.subscribe, cell.get, cell.get);
}

/** The room's entry, held (joined) while the calling component is mounted. */
function useHeldRoom(room: string): RoomEntry {
  const store = useRoomcastStore();
  useEffect(() => store.holdRoom(room), [store, room]);
  return store.room(room);
}

/** The connection's state (`connecting`, `open`, `reconnecting`, `closed`), identity and last error. */
export function useConnection(): ConnectionView {
  return useCell(useRoomcastStore().connection);
}

/** Messages of a conversation and the actions on them. */
export interface ConversationActions {
  /** Sends a message; returns its `clientMsgId`, under which `sends` shows it pending, then acked or failed. */
  send(text: string): string;
  /** Sends a failed message again with the same `clientMsgId`: it can never be stored twice. */
  retry(clientMsgId: string): void;
  /** Puts the previous page of history in front of `messages`, when `hasMore`. */
  loadOlder(): Promise<void>;
  /** Gives (`on`, the default) or takes back a reaction to message `seq`; `messages` show it at once. */
  react(seq: number, reaction: string, on?: boolean): Promise<void>;
}

export type RoomState = ConversationView<RoomMessageEvent> & JoinView & ConversationActions;

/**
 * Joins `room` while the component is mounted (components on one room share one join) and shows its
 * messages: the recent ones on joining, then live ones, each once and in order.
 */
export function useRoom(room: string): RoomState {
  const store = useRoomcastStore();
  const entry = useHeldRoom(room);
  const view = useCell(entry.conversation.view);
  const join = useCell(entry.join);
  const actions = useMemo<ConversationActions>(
    () => ({
      send: (text) => store.sendToRoom(room, text),
      retry: (clientMsgId) => store.retryInRoom(room, clientMsgId),
      loadOlder: () => store.loadOlderInRoom(room),
      react: (seq, reaction, on = true) => store.reactToMessage({ room }, seq, reaction, on),
    }),
    [store, room],
  );
  return useMemo(() => ({ ...view, ...join, ...actions }), [view, join, actions]);
}

/** The members of `room` (joined while the component is mounted), kept current. */
export function usePresence(room: string): PresenceView {
  return useCell(useHeldRoom(room).presence);
}

export interface TypingState {
  /** Other users typing in the room, by display name. */
  readonly typing: readonly Identity[];
  /** Call on every keystroke: a signal goes out at most once per `typingEveryMs`. */
  notifyTyping(): void;
  /** Typing stopped (the box was emptied); sending a message says so too. */
  stopTyping(): void;
}

/** Who else is typing in `room` (joined while the component is mounted), and this user's signals. */
export function useTyping(room: string): TypingState {
  const store = useRoomcastStore();
  const typing = useCell(useHeldRoom(room).typing.typists);
  return useMemo(
    () => ({
      typing,
      notifyTyping: () => store.notifyTyping(room),
      stopTyping: () => store.stopTyping(room),
    }),
    [store, room, typing],
  );
}

export type DirectState = ConversationView<DirectMessageEvent> & JoinView & ConversationActions;

/**
 * The direct conversation with `userId`: its recent messages on first use, then every message either
 * way (this user's own included), each once and in order. It stays followed after unmount, as the
 * client follows every conversation a message arrives in.
 */
export function useDirect(userId: string): DirectState {
  const store = useRoomcastStore();
  const entry = store.direct(userId);
  useEffect(() => store.openDirect(userId), [store, userId]);
  const view = useCell(entry.conversation.view);
  const open = useCell(entry.open);
  const actions = useMemo<ConversationActions>(
    () => ({
      send: (text) => store.sendToPeer(userId, text),
      retry: (clientMsgId) => store.retryToPeer(userId, clientMsgId),
      loadOlder: () => store.loadOlderWithPeer(userId),
      react: (seq, reaction, on = true) => store.reactToMessage({ with: userId }, seq, reaction, on),
    }),
    [store, userId],
  );
  return useMemo(() => ({ ...view, ...open, ...actions }), [view, open, actions]);
}

export interface RoomReactionsState {
  /** The latest reactions to the room (this user's too), oldest first; `id` keys each. */
  readonly reactions: readonly ShownReaction[];
  /** Reacts to the room: everyone in it sees it once; nothing is stored. */
  react(reaction: string): void;
}

/** Reactions to `room` as a whole (joined while the component is mounted), and a way to send one. */
export function useRoomReactions(room: string): RoomReactionsState {
  const store = useRoomcastStore();
  const reactions = useCell(useHeldRoom(room).reactions.recent);
  return useMemo(
    () => ({ reactions, react: (reaction: string) => store.reactInRoom(room, reaction) }),
    [store, room, reactions],
  );
}

export interface UnreadState extends UnreadView {
  /** Asks the service again (done once when the first component using the hook mounts). */
  refresh(): Promise<void>;
  /** Marks a room (`{ room }`) or direct conversation (`{ with }`) read up to `seq`. */
  markRead(target: HistoryTarget, seq: number): Promise<void>;
}

/**
 * Unread counts of every conversation this user follows, kept current by their markers (from any
 * device) and by the messages arriving in followed conversations.
 */
export function useUnread(): UnreadState {
  const store = useRoomcastStore();
  const view = useCell(store.unread.view);
  useEffect(() => {
    void store.refreshUnread();
  }, [store]);
  return useMemo(
    () => ({
      ...view,
      refresh: () => store.refreshUnread(),
      markRead: (target: HistoryTarget, seq: number) => store.markRead(target, seq),
    }),
    [store, view],
  );
}
