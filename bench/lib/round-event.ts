// Bench support: the event the fan-out helpers post, marked with its round so the crowd (swarm.ts) can
// count the frames of each round as they arrive.

import type { RoomMessageEvent } from '../../src/domain/index.js';

/** A room message as the service sends it, marked with the round so the crowd can count it. */
export function roundEvent(round: string): RoomMessageEvent {
  return {
    type: 'message',
    room: 'bench',
    seq: 1,
    messageId: `bench-${round}`,
    from: { userId: 'bench-sender', displayName: 'Bench' },
    text: `round:${round}`,
    sentAt: Date.now(),
  };
}
