// Contract runs for the DynamoDB adapters, on AWS's DynamoDB Local.

import {
  DynamoDbConnectionRegistry,
  DynamoDbMessageLog,
  DynamoDbMessageReactions,
  DynamoDbRateLimiter,
  DynamoDbRoomMembership,
  DynamoDbOccupancy,
  DynamoDbReadMarkers,
  DynamoDbUserStatus,
  DynamoDbBans,
} from '../../src/adapters/dynamodb/index.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { testTableForFile } from '../support/test-table-for-file.js';
import { connectionRegistryContract } from './connection-registry.contract.js';
import { messageLogContract } from './message-log.contract.js';
import { rateLimiterContract } from './rate-limiter.contract.js';
import { roomMembershipContract } from './room-membership.contract.js';
import { userStatusContract } from './user-status.contract.js';
import { readMarkersContract } from './read-markers.contract.js';
import { occupancyContract } from './occupancy.contract.js';
import { messageReactionsContract } from './message-reactions.contract.js';
import { bansContract } from './bans.contract.js';

const table = testTableForFile();

const config = () => {
  const clock = new ManualClock();
  return { clock, adapter: { client: table.client, tableName: table.tableName, clock } };
};

connectionRegistryContract('DynamoDB', async () => {
  const { clock, adapter } = config();
  return { clock, registry: new DynamoDbConnectionRegistry(adapter) };
});

roomMembershipContract('DynamoDB', async (sharding = {}) => {
  const { clock, adapter } = config();
  return { clock, memberships: new DynamoDbRoomMembership({ ...adapter, ...sharding }) };
});

messageLogContract('DynamoDB', async () => {
  const { clock, adapter } = config();
  return { clock, messages: new DynamoDbMessageLog(adapter) };
});

messageReactionsContract('DynamoDB', async () => {
  const { clock, adapter } = config();
  return {
    clock,
    messages: new DynamoDbMessageLog(adapter),
    reactions: new DynamoDbMessageReactions(adapter),
  };
});

rateLimiterContract('DynamoDB', async () => {
  const { clock, adapter } = config();
  return { clock, limiter: new DynamoDbRateLimiter(adapter) };
});

userStatusContract('DynamoDB', async () => new DynamoDbUserStatus(config().adapter));

readMarkersContract('DynamoDB', async () => {
  const { clock, adapter } = config();
  return { clock, markers: new DynamoDbReadMarkers(adapter) };
});

occupancyContract('DynamoDB', async () => new DynamoDbOccupancy(config().adapter));

bansContract('DynamoDB', async () => {
  const { adapter } = config();
  return { bans: new DynamoDbBans(adapter), memberships: new DynamoDbRoomMembership(adapter) };
});
