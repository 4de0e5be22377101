// Client SDK: the chat actions beyond sending (edits and deletes, reactions, status, read state), as functions on
// a client rather than methods, so a page bundles only those it calls.

import type { RoomcastClient } from './client.js';
import type { HistoryTarget } from './options.js';
import type {
  MemberRemovedEvent,
  MessageDeletedEvent,
  MessageUpdatedEvent,
  ReactionsUpdatedEvent,
  ReadMarkerEvent,
  StatusEvent,
  StatusName,
  UnreadEvent,
} from './protocol.js';

/**
 * Replaces the text of one of this user's messages (`seq`) in a room (`{ room }`) or a direct
 * conversation (`{ with }`). Everyone there, this client included, gets `message_updated` in order.
 */
export function editMessage(
  client: RoomcastClient,
  target: HistoryTarget,
  seq: number,
  text: string,
): Promise<MessageUpdatedEvent> {
  return client.request({ action: 'editMessage', ...target, seq, text }, target);
}

/** Deletes one of this user's messages: everyone there gets `message_deleted` and shows a tombstone. */
export function deleteMessage(
  client: RoomcastClient,
  target: HistoryTarget,
  seq: number,
): Promise<MessageDeletedEvent> {
  return client.request({ action: 'deleteMessage', ...target, seq }, target);
}

/**
 * Adds (`on`, the default) or takes back this user's reaction to a message. Resolves at once with the
 * message's reactions, each marked `mine` or not; everyone in the conversation gets `reactions_updated`
 * (without `mine`) about a second later, one per message however many reactions were given meanwhile.
 */
export function react(
  client: RoomcastClient,
  target: HistoryTarget,
  seq: number,
  reaction: string,
  on = true,
): Promise<ReactionsUpdatedEvent> {
  return client.request({ action: 'react', ...target, seq, reaction, on }, target);
}

/** Sets this user's status, shown in every room's presence and kept across their connections. */
export function setStatus(client: RoomcastClient, status: StatusName, text?: string): Promise<StatusEvent> {
  return client.request({ action: 'setStatus', status, ...(text === undefined ? {} : { text }) });
}

/**
 * Marks a room or a direct conversation read up to `seq` (a marker only moves forward); the user's other
 * connections get `read_marker`. Resolves with the conversation's read state.
 */
export function markRead(
  client: RoomcastClient,
  target: HistoryTarget,
  seq: number,
): Promise<ReadMarkerEvent> {
  return client.request({ action: 'markRead', ...target, seq }, target);
}

/** The unread count of every conversation this user follows, most unread first. */
export function unread(client: RoomcastClient): Promise<UnreadEvent> {
  return client.request({ action: 'unread' });
}

/**
 * Moderators only: takes every connection of user `member` out of `room`, which this client has joined. They
 * get `removed` and may join again (a backend's ban keeps them out); the room gets `member_left`.
 */
export function removeMember(
  client: RoomcastClient,
  room: string,
  member: string,
): Promise<MemberRemovedEvent> {
  return client.request({ action: 'removeMember', room, member }, { room });
}
