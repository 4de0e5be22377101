// React bindings: what the store keeps per room and per direct conversation. Entries live as long as
// the store, so a component that read one during render always watches the object the store updates;
// leaving a room resets its entry instead of dropping it.

import type { Clock } from '../clock.js';
import type { RoomcastError } from '../errors.js';
import type { DirectMessageEvent, PresenceEntry, RoomMessageEvent } from '../protocol.js';
import { Cell } from './cell.js';
import { Conversation } from './conversation.js';
import { ReactionFeed } from './reaction-feed.js';
import { TypingBoard } from './typing-board.js';

/** `idle` before a component holds the room (or after the last one let go). */
export type JoinStatus = 'idle' | 'joining' | 'joined' | 'failed';

export interface JoinView {
  readonly status: JoinStatus;
  /** Why joining (or opening a direct conversation) failed, e.g. `invalid_room`. */
  readonly error: RoomcastError | undefined;
}

export interface PresenceView {
  /** One entry per user, by display name, with the number of connections they have in the room. */
  readonly members: readonly PresenceEntry[];
  /** The room holds more users than listed. */
  readonly truncated: boolean;
}

export const IDLE: JoinView = { status: 'idle', error: undefined };
const NO_MEMBERS: PresenceView = { members: [], truncated: false };

export class RoomEntry {
  readonly conversation = new Conversation<RoomMessageEvent>(
    (message): message is RoomMessageEvent => message.type === 'message',
  );
  readonly join = new Cell<JoinView>(IDLE);
  readonly presence = new Cell<PresenceView>(NO_MEMBERS);
  readonly typing: TypingBoard;
  /** Reactions to the room as a whole, latest last. */
  readonly reactions = new ReactionFeed();
  /** Bumped on every join and leave, so that a late reply from an earlier one is ignored. */
  session = 0;
  /** When this application last said it was typing here (its signals are spaced out). */
  typingSentAt: number | undefined;

  constructor(
    readonly room: string,
    clock: Clock,
    typingExpiresMs: number,
  ) {
    this.typing = new TypingBoard(clock, typingExpiresMs);
  }

  reset(): void {
    this.session += 1;
    this.typingSentAt = undefined;
    this.conversation.reset();
    this.join.set(IDLE);
    this.presence.set(NO_MEMBERS);
    this.typing.clear();
    this.reactions.clear();
  }
}

export class DirectEntry {
  readonly conversation = new Conversation<DirectMessageEvent>(
    (message): message is DirectMessageEvent => message.type === 'direct',
  );
  /** Opening the conversation: `joining` while its recent messages load, then `joined`. */
  readonly open = new Cell<JoinView>(IDLE);

  constructor(readonly peer: string) {}
}
