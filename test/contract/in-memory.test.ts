// Contract runs for the in-memory fakes: the fakes behave as the real adapters are required to.

import { InMemoryConnectionRegistry } from '../fakes/in-memory-connection-registry.js';
import { InMemoryFanOutQueue } from '../fakes/in-memory-fan-out-queue.js';
import { InMemoryMessageLog } from '../fakes/in-memory-message-log.js';
import { InMemoryRateLimiter } from '../fakes/in-memory-rate-limiter.js';
import { InMemoryRoomMembership } from '../fakes/in-memory-room-membership.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { connectionRegistryContract } from './connection-registry.contract.js';
import { fanOutQueueContract } from './fan-out-queue.contract.js';
import { messageLogContract } from './message-log.contract.js';
import { rateLimiterContract } from './rate-limiter.contract.js';
import { roomMembershipContract } from './room-membership.contract.js';
import { userStatusContract } from './user-status.contract.js';
import { readMarkersContract } from './read-markers.contract.js';
import { occupancyContract } from './occupancy.contract.js';
import { messageReactionsContract } from './message-reactions.contract.js';
import { InMemoryMessageReactions } from '../fakes/in-memory-message-reactions.js';
import { InMemoryOccupancy } from '../fakes/in-memory-occupancy.js';
import { InMemoryReadMarkers } from '../fakes/in-memory-read-markers.js';
import { InMemoryUserStatus } from '../fakes/in-memory-user-status.js';
import { InMemoryBans } from '../fakes/in-memory-bans.js';
import { bansContract } from './bans.contract.js';

connectionRegistryContract('in-memory fake', async () => {
  const clock = new ManualClock();
  return { clock, registry: new InMemoryConnectionRegistry(clock) };
});

roomMembershipContract('in-memory fake', async (sharding = {}) => {
  const clock = new ManualClock();
  return { clock, memberships: new InMemoryRoomMembership(clock, sharding) };
});

messageLogContract('in-memory fake', async () => {
  const clock = new ManualClock();
  return { clock, messages: new InMemoryMessageLog(clock) };
});

rateLimiterContract('in-memory fake', async () => {
  const clock = new ManualClock();
  return { clock, limiter: new InMemoryRateLimiter(clock) };
});

fanOutQueueContract('in-memory fake', async () => {
  const queue = new InMemoryFanOutQueue();
  return {
    queue,
    drain: async () => queue.drain(),
    drainDelayed: async () => queue.later.splice(0).map(({ job }) => job),
    breakQueue: async () => queue.failAlways(),
    mendQueue: async () => queue.failAlways(false),
  };
});

userStatusContract('in-memory fake', async () => new InMemoryUserStatus());

readMarkersContract('in-memory fake', async () => {
  const clock = new ManualClock();
  return { clock, markers: new InMemoryReadMarkers(clock) };
});

occupancyContract('in-memory fake', async () => new InMemoryOccupancy());

messageReactionsContract('in-memory fake', async () => {
  const clock = new ManualClock();
  const messages = new InMemoryMessageLog(clock);
  return { clock, messages, reactions: new InMemoryMessageReactions(messages, clock) };
});

bansContract('in-memory fake', async () => ({
  bans: new InMemoryBans(),
  memberships: new InMemoryRoomMembership(new ManualClock()),
}));
