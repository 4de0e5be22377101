// Test fake for ReadMarkersPort: a map from user and conversation to the marker, with its expiry.

import {
  conversationKey,
  type ClockPort,
  type Conversation,
  type ReadMarker,
  type ReadMarkersPort,
  type UserId,
} from '../../src/domain/index.js';

interface Stored {
  readonly conversation: Conversation;
  readonly readSeq: number;
  readonly expiresAt: number;
}

export class InMemoryReadMarkers implements ReadMarkersPort {
  private readonly markersByUser = new Map<UserId, Map<string, Stored>>();

  constructor(private readonly clock: ClockPort) {}

  async markRead(
    userId: UserId,
    conversation: Conversation,
    seq: number,
    expiresAt: number,
  ): Promise<number> {
    const current = this.live(userId, conversation);
    if (current !== undefined && current.readSeq > seq) return current.readSeq;
    this.of(userId).set(conversationKey(conversation), { conversation, readSeq: seq, expiresAt });
    return seq;
  }

  async readSeq(userId: UserId, conversation: Conversation): Promise<number> {
    return this.live(userId, conversation)?.readSeq ?? 0;
  }

  async track(userId: UserId, conversation: Conversation, expiresAt: number): Promise<void> {
    const readSeq = this.live(userId, conversation)?.readSeq ?? 0;
    this.of(userId).set(conversationKey(conversation), { conversation, readSeq, expiresAt });
  }

  async markers(userId: UserId, limit: number): Promise<ReadMarker[]> {
    return [...this.of(userId).values()]
      .filter((stored) => stored.expiresAt > this.clock.now())
      .slice(0, limit)
      .map(({ conversation, readSeq }) => ({ conversation, readSeq }));
  }

  private of(userId: UserId): Map<string, Stored> {
    let markers = this.markersByUser.get(userId);
    if (markers === undefined) {
      markers = new Map();
      this.markersByUser.set(userId, markers);
    }
    return markers;
  }

  private live(userId: UserId, conversation: Conversation): Stored | undefined {
    const stored = this.of(userId).get(conversationKey(conversation));
    return stored !== undefined && stored.expiresAt > this.clock.now() ? stored : undefined;
  }
}
