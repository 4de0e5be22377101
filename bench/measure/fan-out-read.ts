// Benchmark 1, fan-out read cost: what one broadcast to one room reads from DynamoDB. Ours pages the room
// with RoomMembershipPort.membersPage (one Query per page on the room's partition, as PagedFanOut does);
// the baseline is the classic walkthrough's full Scan of a connections table, page after page, keeping
// the room's connections. Both tables hold the same rooms, so only the access pattern differs.

import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, DynamoDbRoomMembership } from '../../src/adapters/dynamodb/index.js';
import { keys, ttlSeconds } from '../../src/adapters/dynamodb/keys.js';
import { createTable } from '../../src/adapters/dynamodb/table-schema.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/dynamodb-local.js';
import { DynamoMeter, type MeterSnapshot } from '../lib/dynamo-meter.js';
import { itemSize, readUnitsOf } from '../lib/item-size.js';
import type { Log } from '../lib/log.js';
import { mean, ratio } from '../lib/stats.js';

export interface FanOutReadConfig {
  readonly rooms: number;
  /** Members per room, ascending: the tables grow from one size to the next. */
  readonly sizes: readonly number[];
  /** Members per Query page: the policy's membersPageSize. */
  readonly pageSize: number;
  readonly seedConcurrency: number;
}

export interface ReadCost {
  readonly requests: number;
  /** Items DynamoDB evaluated: what read units are charged on. */
  readonly itemsRead: number;
  /** Items that came back: the room's members (for ours, with one more for each page but the last). */
  readonly itemsReturned: number;
  /** As DynamoDB Local reported them (ReturnConsumedCapacity), or null when it did not. */
  readonly readUnits: number | null;
  /** From the items' sizes by DynamoDB's rules: a cross-check. */
  readonly readUnitsComputed: number;
}

export interface FanOutReadRow {
  readonly members: number;
  readonly tableItems: number;
  readonly ours: ReadCost;
  readonly baseline: ReadCost;
  /** Baseline read units / ours. */
  readonly readUnitsRatio: number;
  readonly itemsReadRatio: number;
}

export interface FanOutReadResult {
  readonly rooms: number;
  readonly pageSize: number;
  readonly capacitySource: 'reported by DynamoDB Local' | 'computed from item sizes';
  readonly memberItemBytes: number;
  readonly classicItemBytes: number;
  readonly seedMs: number;
  readonly rows: readonly FanOutReadRow[];
}

const HOUR = 3_600_000;
const roomName = (r: number) => `room-${r}`;
/** 16 characters ending in `=`, like API Gateway's connection ids. */
const connectionIdOf = (r: number, i: number) => `B${r.toString(36)}${i.toString(36).padStart(13, '0')}=`;

type Item = Record<string, unknown>;

/** A member item exactly as DynamoDbRoomMembership.add writes it (its transaction's first Put). */
function memberItem(r: number, i: number, now: number): Item {
  const room = roomName(r);
  const connectionId = connectionIdOf(r, i);
  const userId = `user-${r}-${i}`;
  const expiresAt = now + HOUR;
  return {
    ...keys.member(room, userId, connectionId),
    type: 'member',
    room,
    connectionId,
    userId,
    displayName: `User ${i}`,
    joinedAt: now,
    expiresAt,
    ttl: ttlSeconds(expiresAt),
  };
}

/** The classic design's item: one per connection, keyed by its id, with the room as an attribute. */
function classicItem(r: number, i: number, now: number): Item {
  const expiresAt = now + HOUR;
  return {
    connectionId: connectionIdOf(r, i),
    room: roomName(r),
    userId: `user-${r}-${i}`,
    displayName: `User ${i}`,
    connectedAt: now,
    ttl: ttlSeconds(expiresAt),
  };
}

async function createClassicTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'connectionId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'connectionId', KeyType: 'HASH' }],
    }),
  );
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** BatchWriteItem, 25 items a request, `concurrency` requests in flight, retrying unprocessed items. */
async function batchWrite(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Item[],
  concurrency: number,
): Promise<void> {
  let next = 0;
  const writer = async (): Promise<void> => {
    while (next < items.length) {
      const batch = items.slice(next, next + 25);
      next += 25;
      let pending: Item[] = batch.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const { UnprocessedItems } = await client.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }),
        );
        pending = (UnprocessedItems?.[tableName] ?? []) as Item[];
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, writer));
}

function cost(snapshot: MeterSnapshot, bytesPerItem: number): ReadCost {
  return {
    requests: snapshot.requests,
    itemsRead: snapshot.itemsRead,
    itemsReturned: snapshot.itemsReturned,
    readUnits: snapshot.readUnits ?? null,
    readUnitsComputed: snapshot.records.reduce((sum, r) => sum + readUnitsOf(r.scanned * bytesPerItem), 0),
  };
}

export async function runFanOutRead(
  dynamo: { client: DynamoDBClient; endpoint: string },
  config: FanOutReadConfig,
  log: Log,
): Promise<FanOutReadResult> {
  const suffix = Date.now().toString(36);
  const ours = `bench-ours-${suffix}`;
  const classic = `bench-classic-${suffix}`;
  const clientConfig = { endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  // Seeding goes through its own client so the meter sees the measured reads only.
  const seeder = createDocumentClient(clientConfig);
  const reader = createDocumentClient(clientConfig);
  const meter = new DynamoMeter();
  meter.attach(reader);
  await createTable(dynamo.client, ours);
  await createClassicTable(dynamo.client, classic);

  const now = Date.now();
  const memberItemBytes = mean(Array.from({ length: 100 }, (_, i) => itemSize(memberItem(0, i, now))));
  const classicItemBytes = mean(Array.from({ length: 100 }, (_, i) => itemSize(classicItem(0, i, now))));
  const memberships = new DynamoDbRoomMembership({
    client: reader,
    tableName: ours,
    clock: { now: () => Date.now() },
  });

  const rows: FanOutReadRow[] = [];
  let seeded = 0;
  let seedMs = 0;
  let reported = true;
  try {
    for (const members of config.sizes) {
      const seedStart = Date.now();
      const memberItems: Item[] = [];
      const classicItems: Item[] = [];
      for (let r = 0; r < config.rooms; r += 1) {
        for (let i = seeded; i < members; i += 1) {
          memberItems.push(memberItem(r, i, now));
          classicItems.push(classicItem(r, i, now));
        }
      }
      await batchWrite(seeder, ours, memberItems, config.seedConcurrency);
      await batchWrite(seeder, classic, classicItems, config.seedConcurrency);
      seeded = members;
      seedMs += Date.now() - seedStart;
      log(`fan-out read: ${config.rooms} rooms of ${members} seeded (${Date.now() - seedStart} ms)`);

      // Ours: the room's partition, page by page, exactly as PagedFanOut asks for it.
      meter.reset();
      let cursor: string | undefined;
      let found = 0;
      do {
        const page = await memberships.membersPage(roomName(0), {
          limit: config.pageSize,
          ...(cursor === undefined ? {} : { cursor }),
        });
        found += page.members.length;
        cursor = page.cursor;
      } while (cursor !== undefined);
      const oursCost = cost(meter.snapshot(), memberItemBytes);
      if (found !== members) throw new Error(`membersPage found ${found} of ${members} members`);

      // Baseline: Scan everything, keep the room's connections (the filter does not reduce the cost).
      meter.reset();
      let startKey: Record<string, unknown> | undefined;
      let kept = 0;
      do {
        const page = await reader.send(
          new ScanCommand({
            TableName: classic,
            FilterExpression: '#room = :room',
            ExpressionAttributeNames: { '#room': 'room' },
            ExpressionAttributeValues: { ':room': roomName(0) },
            ExclusiveStartKey: startKey,
          }),
        );
        kept += page.Items?.length ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
      const baselineCost = cost(meter.snapshot(), classicItemBytes);
      if (kept !== members) throw new Error(`the scan kept ${kept} of ${members} connections`);

      reported &&= oursCost.readUnits !== null && baselineCost.readUnits !== null;
      const units = (c: ReadCost) => c.readUnits ?? c.readUnitsComputed;
      rows.push({
        members,
        tableItems: members * config.rooms,
        ours: oursCost,
        baseline: baselineCost,
        readUnitsRatio: ratio(units(baselineCost), units(oursCost)),
        itemsReadRatio: ratio(baselineCost.itemsRead, oursCost.itemsRead),
      });
    }
  } finally {
    for (const table of [ours, classic]) {
      await dynamo.client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    }
    seeder.destroy();
    reader.destroy();
  }
  return {
    rooms: config.rooms,
    pageSize: config.pageSize,
    capacitySource: reported ? 'reported by DynamoDB Local' : 'computed from item sizes',
    memberItemBytes,
    classicItemBytes,
    seedMs,
    rows,
  };
}
