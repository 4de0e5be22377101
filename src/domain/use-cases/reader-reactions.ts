// Use-case helper: marks, in a page of messages one user reads (history, a join's catch-up), which of
// each message's reactions that user gave. One read of the user's reactions, only when the page has any.

import type { Conversation, StoredMessage } from '../model/message.js';
import type { MessageReactionsPort } from '../ports/message-reactions.port.js';

export async function withReaderReactions(
  reactions: MessageReactionsPort | undefined,
  conversation: Conversation,
  reader: string,
  messages: readonly StoredMessage[],
): Promise<readonly StoredMessage[]> {
  const reacted = messages.filter(
    (message) =>
      message.reactions !== undefined && Object.values(message.reactions).some((count) => count > 0),
  );
  if (reactions === undefined || reacted.length === 0) return messages;
  const mine = await reactions.mine(
    conversation,
    reader,
    reacted.map((message) => message.seq),
  );
  return messages.map((message) =>
    message.reactions === undefined ? message : { ...message, myReactions: mine.get(message.seq) ?? [] },
  );
}
