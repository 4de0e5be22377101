// Use-case helper: an event about a conversation reaches everyone in it: a room's member connections, or
// every connection of both users of a direct conversation.

import type { FanOutPort, FanOutReport } from '../fan-out/fan-out.port.js';
import type { Conversation } from '../model/message.js';
import type { ConnectionRegistryPort } from '../ports/connection-registry.port.js';
import type { ServerEvent } from '../protocol/server-events.js';

export interface ConversationFanOutDeps {
  readonly fanOut: FanOutPort;
  readonly connections: ConnectionRegistryPort;
}

export async function fanOutToConversation(
  deps: ConversationFanOutDeps,
  conversation: Conversation,
  event: ServerEvent,
): Promise<FanOutReport> {
  if (conversation.kind === 'room') return deps.fanOut.toRoom(conversation.room, event);
  const lists = await Promise.all(
    [...new Set(conversation.users)].map((user) => deps.connections.connectionsOfUser(user)),
  );
  return deps.fanOut.toConnections(
    lists.flat().map((connection) => connection.connectionId),
    event,
  );
}

/** How an event names a conversation: `room`, or a direct conversation's two users, sorted. */
export function conversationFields(
  conversation: Conversation,
): { room: string } | { users: readonly [string, string] } {
  return conversation.kind === 'room' ? { room: conversation.room } : { users: conversation.users };
}
