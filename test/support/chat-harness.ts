// Test support: the domain wired to in-memory fakes, plus helpers to connect users the way $connect would.

import {
  chatPolicy,
  createChat,
  type Caller,
  type ChatPolicy,
  type Identity,
  type Permissions,
} from '../../src/domain/index.js';
import { InMemoryConnectionRegistry } from '../fakes/in-memory-connection-registry.js';
import { InMemoryMessageLog } from '../fakes/in-memory-message-log.js';
import { InMemoryRateLimiter } from '../fakes/in-memory-rate-limiter.js';
import { InMemoryRoomMembership } from '../fakes/in-memory-room-membership.js';
import { InMemoryUserStatus } from '../fakes/in-memory-user-status.js';
import { InMemoryReadMarkers } from '../fakes/in-memory-read-markers.js';
import { InMemoryOccupancy } from '../fakes/in-memory-occupancy.js';
import { InMemoryMessageReactions } from '../fakes/in-memory-message-reactions.js';
import type { InMemoryFanOutQueue } from '../fakes/in-memory-fan-out-queue.js';
import { InMemoryBans } from '../fakes/in-memory-bans.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { RecordingLogger } from '../fakes/recording-logger.js';
import { RecordingNotifier } from '../fakes/recording-notifier.js';
import { SequentialIds } from '../fakes/sequential-ids.js';

/** `fanOutQueue` hands large rooms and reaction summaries to a queue, as a deployed stack does. */
export function chatHarness(
  overrides: Partial<ChatPolicy> = {},
  options: { readonly fanOutQueue?: InMemoryFanOutQueue } = {},
) {
  const clock = new ManualClock();
  const ids = new SequentialIds();
  const logger = new RecordingLogger();
  const connections = new InMemoryConnectionRegistry(clock);
  const memberships = new InMemoryRoomMembership(clock);
  const messages = new InMemoryMessageLog(clock);
  const notifier = new RecordingNotifier();
  const rateLimiter = new InMemoryRateLimiter(clock);
  const userStatus = new InMemoryUserStatus();
  const readMarkers = new InMemoryReadMarkers(clock);
  const occupancy = new InMemoryOccupancy();
  const reactions = new InMemoryMessageReactions(messages, clock);
  const bans = new InMemoryBans();
  const policy = chatPolicy(overrides);
  const chat = createChat(
    {
      connections,
      memberships,
      messages,
      notifier,
      clock,
      ids,
      logger,
      rateLimiter,
      userStatus,
      readMarkers,
      occupancy,
      reactions,
      ...(options.fanOutQueue === undefined ? {} : { fanOutQueue: options.fanOutQueue }),
      bans,
    },
    policy,
  );

  /** Runs $connect for a user and returns the caller that later requests on this connection carry. */
  async function connect(
    userId: string,
    connectionId: string,
    displayName = userId,
    permissions?: Permissions,
  ): Promise<Caller> {
    const identity: Identity = { userId, displayName };
    const connectedAt = clock.now();
    const granted = permissions === undefined ? {} : { permissions };
    await chat.connect.execute({ connectionId, identity, connectedAt, ...granted });
    return { connectionId, identity, connectedAt, ...granted };
  }

  return {
    clock,
    ids,
    logger,
    connections,
    memberships,
    messages,
    notifier,
    rateLimiter,
    userStatus,
    readMarkers,
    occupancy,
    reactions,
    bans,
    policy,
    chat,
    connect,
  };
}

export type ChatHarness = ReturnType<typeof chatHarness>;
