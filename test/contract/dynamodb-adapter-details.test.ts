// Contract details of the DynamoDB adapters beyond the shared port contracts, on DynamoDB Local: the
// records as stored, which reads are strongly consistent, what a request costs, and errors passed on.

import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from '@jest/globals';
import {
  DynamoDbBans,
  DynamoDbConnectionRegistry,
  DynamoDbOccupancy,
  DynamoDbRateLimiter,
  DynamoDbReadMarkers,
  DynamoDbRoomMembership,
  DynamoDbUserStatus,
} from '../../src/adapters/dynamodb/index.js';
import {
  conversationKey,
  directConversation,
  isCountedConnection,
  MEMBER_COUNT_SAMPLE,
  roomConversation,
  type Membership,
  type RateBucket,
} from '../../src/domain/index.js';
import { keys } from '../../src/adapters/dynamodb/keys.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { testTableForFile } from '../support/test-table-for-file.js';
import { steeredClient, throttled } from '../support/steered-client.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const table = testTableForFile();

let n = 0;
/** Unique per call, so the tests share the file's table without meeting each other's items. */
const unique = (label: string) => `${label}-${(n += 1)}`;

interface Sent {
  readonly command: string;
  readonly input: Record<string, unknown>;
}

/**
 * The real client with a look at each command before it goes to DynamoDB Local: `before` records it,
 * holds it back while something else happens, or throws an error a local service never answers with
 * (throttling), standing in for DynamoDB's reply.
 */
function watched(before: (sent: Sent) => Promise<void> | void): DynamoDBDocumentClient {
  return steeredClient(table.client, async (command, forward) => {
    const { constructor, input } = command as {
      constructor: { name: string };
      input: Record<string, unknown>;
    };
    await before({ command: constructor.name, input });
    return forward();
  });
}

/** A client that records what it sends, for the tests of what a call costs or how it reads. */
function recording(): { client: DynamoDBDocumentClient; sent: Sent[] } {
  const sent: Sent[] = [];
  return { client: watched((command) => void sent.push(command)), sent };
}

/** A client on which the commands `when` picks are throttled, as DynamoDB does under load. */
function throttling(when: (sent: Sent) => boolean): DynamoDBDocumentClient {
  return watched((sent) => {
    if (when(sent)) throw throttled();
  });
}

const setsStatus = (sent: Sent) =>
  sent.command === 'UpdateCommand' && String(sent.input['UpdateExpression']).includes('#status');
const growsRoom = (sent: Sent) =>
  sent.command === 'UpdateCommand' && String(sent.input['UpdateExpression']).startsWith('SET buckets');
const consistentReads = (sent: Sent[]) =>
  sent.filter((s) => s.command === 'GetCommand').map((s) => s.input['ConsistentRead']);

async function rawItem(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: { pk, sk }, ConsistentRead: true }),
  );
  return Item;
}

/** A connection id that the room's sampled member count does (or does not) count. */
function connectionId(label: string, counted: boolean): string {
  for (let i = 0; ; i += 1) {
    const id = unique(`${label}${i}`);
    if (isCountedConnection(id) === counted) return id;
  }
}

describe('DynamoDbConnectionRegistry', () => {
  const clock = new ManualClock();
  /** Ada's connection `id`, made now for an hour. */
  const adasConnection = (id: string) => ({
    connectionId: id,
    userId: 'ada',
    displayName: 'Ada',
    connectedAt: clock.now(),
    expiresAt: clock.now() + HOUR,
  });

  it('stores a connection as a `connection` record, with what it was registered with', async () => {
    const registry = new DynamoDbConnectionRegistry({
      client: table.client,
      tableName: table.tableName,
      clock,
    });
    const id = unique('typed');
    await registry.register(adasConnection(id));
    const { pk, sk } = keys.connection(id);
    expect(await rawItem(pk, sk)).toMatchObject({ type: 'connection', connectionId: id, userId: 'ada' });
  });

  it('refuses a partition it does not have, naming the partitions it has', async () => {
    const registry = new DynamoDbConnectionRegistry({
      client: table.client,
      tableName: table.tableName,
      clock,
    });
    await expect(registry.connectionsPage({ limit: 1, partition: registry.partitions })).rejects.toThrow(
      new RangeError(`partition must be 0 to ${registry.partitions - 1}`),
    );
  });

  it('takes the cursor of a walk over every partition only for the partition it points to', async () => {
    const registry = new DynamoDbConnectionRegistry({
      client: table.client,
      tableName: table.tableName,
      clock,
    });
    for (let i = 0; i < 5; i += 1) {
      await registry.register({
        connectionId: unique('walked'),
        userId: 'ada',
        displayName: 'Ada',
        connectedAt: clock.now(),
        expiresAt: clock.now() + HOUR,
      });
    }
    const { cursor } = await registry.connectionsPage({ limit: 1 });
    expect(cursor).toBeDefined();

    const accepted: number[] = [];
    for (let partition = 0; partition < registry.partitions; partition += 1) {
      try {
        await registry.connectionsPage({ limit: 1, partition, cursor: cursor as string });
        accepted.push(partition);
      } catch (error) {
        expect(error).toEqual(new RangeError('malformed cursor'));
      }
    }
    expect(accepted).toHaveLength(1);
  });

  it('finds a connection with a strongly consistent read, so a message just after connecting sees it', async () => {
    const { client, sent } = recording();
    const registry = new DynamoDbConnectionRegistry({ client, tableName: table.tableName, clock });
    const id = unique('fresh');
    await registry.register(adasConnection(id));
    expect(await registry.find(id)).toMatchObject({ connectionId: id });
    expect(consistentReads(sent)).toEqual([true]);
  });
});

describe('DynamoDbOccupancy', () => {
  it('passes on an error other than a lost claim, rather than saying someone else announced', async () => {
    const occupancy = new DynamoDbOccupancy({
      client: table.client,
      tableName: unique('no-such-table'),
      clock: new ManualClock(),
    });
    await expect(occupancy.claimAnnouncement('lobby', 10_000, 5_000)).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});

describe('DynamoDbRateLimiter', () => {
  const limit = { burst: 3, intervalMs: 1_000 };

  it('tells a frame refused over a bucket refilled between its two updates to retry after one interval', async () => {
    const clock = new ManualClock();
    const bucket: RateBucket = { scope: 'connection', connectionId: unique('raced') };
    const expiresAt = clock.now() + HOUR;
    // Another instance, whose clock lags this one's by 5 s, forgets the bucket and takes from it again
    // while this frame sits between its two updates: the bucket then holds a `tat` in this one's past.
    const lagging = new DynamoDbRateLimiter({
      client: table.client,
      tableName: table.tableName,
      clock: new ManualClock(clock.now() - 5_000),
    });
    let otherTook: boolean | undefined;
    let armed = false;
    const client = watched(async ({ command, input }) => {
      if (!armed || command !== 'UpdateCommand' || !String(input['UpdateExpression']).includes('tat + '))
        return;
      armed = false;
      await lagging.forget(bucket);
      otherTook = (await lagging.take(bucket, limit, expiresAt)).allowed;
    });
    const limiter = new DynamoDbRateLimiter({ client, tableName: table.tableName, clock });
    for (let i = 0; i < limit.burst; i += 1)
      expect((await limiter.take(bucket, limit, expiresAt)).allowed).toBe(true);
    clock.advance(300);

    armed = true;
    const refused = await limiter.take(bucket, limit, expiresAt);

    expect(otherTook).toBe(true);
    // Not "retry now" (the stored `tat` says the wait is over), nor the 700 ms the spent burst would say.
    expect(refused).toEqual({ allowed: false, retryAfterMs: limit.intervalMs });
  });
});

describe('DynamoDbReadMarkers', () => {
  it('passes on a throttled write instead of answering with the marker as it was', async () => {
    const clock = new ManualClock();
    const user = unique('ada');
    const general = roomConversation('general');
    await new DynamoDbReadMarkers({ client: table.client, tableName: table.tableName, clock }).markRead(
      user,
      general,
      3,
      clock.now() + DAY,
    );
    const markers = new DynamoDbReadMarkers({
      client: throttling((sent) => sent.command === 'UpdateCommand'),
      tableName: table.tableName,
      clock,
    });
    await expect(markers.markRead(user, general, 5, clock.now() + DAY)).rejects.toBeInstanceOf(
      ProvisionedThroughputExceededException,
    );
  });

  it('reads a marker with a strongly consistent read, so a read just after marking sees it', async () => {
    const clock = new ManualClock();
    const { client, sent } = recording();
    const markers = new DynamoDbReadMarkers({ client, tableName: table.tableName, clock });
    const user = unique('ada');
    await markers.markRead(user, roomConversation('general'), 4, clock.now() + DAY);
    expect(await markers.readSeq(user, roomConversation('general'))).toBe(4);
    expect(consistentReads(sent)).toEqual([true]);
  });

  describe('for a user whose markers take more than one 1 MB page', () => {
    // Four markers of about 350 KB stand in for the thousands of ordinary ones it takes to fill
    // DynamoDB's 1 MB Query page: the first page holds three (it ends with the item that passes 1 MB),
    // the second the last one.
    const bulky = async (user: string, expiresAt: number): Promise<string[]> => {
      const rooms = ['a', 'b', 'c', 'd'].map((room) => `${room}-${user}`);
      for (const [i, room] of rooms.entries()) {
        const conversation = roomConversation(room);
        await table.client.send(
          new PutCommand({
            TableName: table.tableName,
            Item: {
              pk: `USER#${user}`,
              sk: `READ#${conversationKey(conversation)}`,
              type: 'readMarker',
              readSeq: i + 1,
              conversation,
              expiresAt,
              ttl: Math.ceil(expiresAt / 1000),
              padding: 'x'.repeat(350_000),
            },
          }),
        );
      }
      return rooms;
    };

    it('lists the markers of every page', async () => {
      const clock = new ManualClock();
      const { client, sent } = recording();
      const markers = new DynamoDbReadMarkers({ client, tableName: table.tableName, clock });
      const user = unique('reader');
      const rooms = await bulky(user, clock.now() + DAY);

      const listed = await markers.markers(user, 10);

      expect(listed).toEqual(
        rooms.map((room, i) => ({ conversation: roomConversation(room), readSeq: i + 1 })),
      );
      expect(sent.filter((s) => s.command === 'QueryCommand')).toHaveLength(2);
    });

    it('reads no further page once it holds the limit', async () => {
      const clock = new ManualClock();
      const { client, sent } = recording();
      const markers = new DynamoDbReadMarkers({ client, tableName: table.tableName, clock });
      const user = unique('reader');
      const rooms = await bulky(user, clock.now() + DAY);

      expect(await markers.markers(user, 1)).toEqual([
        { conversation: roomConversation(rooms[0] as string), readSeq: 1 },
      ]);
      expect(sent.filter((s) => s.command === 'QueryCommand')).toHaveLength(1);
    });
  });
});

describe('DynamoDbRoomMembership', () => {
  const member = (room: string, connection: string, userId: string, clock: ManualClock): Membership => ({
    room,
    connectionId: connection,
    userId,
    displayName: `Name of ${userId}`,
    joinedAt: clock.now(),
    expiresAt: clock.now() + HOUR,
  });
  const adapter = (client: DynamoDBDocumentClient, clock: ManualClock, membersPerBucket?: number) =>
    new DynamoDbRoomMembership({
      client,
      tableName: table.tableName,
      clock,
      ...(membersPerBucket === undefined ? {} : { membersPerBucket }),
    });

  it('takes a counted connection off the sampled member count when it leaves, and no other', async () => {
    const clock = new ManualClock();
    const memberships = adapter(table.client, clock);
    const room = unique('room');
    const counted = connectionId('counted', true);
    const uncounted = connectionId('uncounted', false);
    const approximateMembers = async () => (await memberships.roomShape(room)).approximateMembers;

    await memberships.add(member(room, counted, 'ada', clock));
    await memberships.add(member(room, uncounted, 'bob', clock));
    expect(await approximateMembers()).toBe(MEMBER_COUNT_SAMPLE);

    await memberships.remove(room, uncounted);
    expect(await approximateMembers()).toBe(MEMBER_COUNT_SAMPLE);
    await memberships.remove(room, counted);
    expect(await approximateMembers()).toBe(0);
  });

  it('counts a counted connection once, however often it joins again', async () => {
    const clock = new ManualClock();
    const memberships = adapter(table.client, clock);
    const room = unique('room');
    const counted = connectionId('counted', true);

    await memberships.add(member(room, counted, 'ada', clock));
    await memberships.add(member(room, counted, 'ada', clock));
    await memberships.add(member(room, counted, 'ada', clock));

    expect((await memberships.roomShape(room)).approximateMembers).toBe(MEMBER_COUNT_SAMPLE);
  });

  it('writes no growth when a counted join leaves the room within its buckets', async () => {
    const clock = new ManualClock();
    const { client, sent } = recording();
    const memberships = adapter(client, clock);
    const room = unique('room');

    await memberships.add(member(room, connectionId('counted', true), 'ada', clock));

    expect(sent.filter(growsRoom)).toEqual([]);
    const { pk, sk } = keys.roomShape(room);
    expect(await rawItem(pk, sk)).not.toHaveProperty('grownFrom');
    expect(await memberships.roomShape(room)).toEqual({
      buckets: 1,
      approximateMembers: MEMBER_COUNT_SAMPLE,
    });
  });

  it('refreshes an uncounted membership in its bucket with just the two writes of a join', async () => {
    const clock = new ManualClock();
    const { client, sent } = recording();
    const memberships = adapter(client, clock);
    const room = unique('room');
    const uncounted = connectionId('uncounted', false);
    await memberships.add(member(room, uncounted, 'ada', clock));
    sent.length = 0;

    await memberships.add(member(room, uncounted, 'ada', clock));

    expect(sent.map((s) => s.command)).toEqual(['PutCommand', 'PutCommand']);
    expect(await memberships.isMember(room, uncounted)).toBe(true);
  });

  it('refreshes a membership written before buckets existed in place, with just the two writes of a join', async () => {
    const clock = new ManualClock();
    const { client, sent } = recording();
    const memberships = adapter(client, clock);
    const room = unique('room');
    const uncounted = connectionId('legacy', false);
    const old = member(room, uncounted, 'ada', clock);
    // As an earlier version wrote them: the reference has no bucket, the member sits in the room's partition.
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          pk: `CONN#${uncounted}`,
          sk: `ROOM#${room}`,
          type: 'membership',
          room,
          userId: 'ada',
          expiresAt: old.expiresAt,
          ttl: Math.ceil(old.expiresAt / 1000),
        },
      }),
    );
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: `ROOM#${room}`, sk: `MEMBER#ada#${uncounted}`, type: 'member', ...old },
      }),
    );
    await memberships.roomShape(room);
    sent.length = 0;

    await memberships.add({ ...old, expiresAt: old.expiresAt + HOUR });

    expect(sent.map((s) => s.command)).toEqual(['PutCommand', 'PutCommand']);
    expect(await rawItem(`CONN#${uncounted}`, `ROOM#${room}`)).toMatchObject({ bucket: 0 });
    expect((await memberships.membersPage(room, { limit: 10 })).members).toEqual([
      { ...old, expiresAt: old.expiresAt + HOUR },
    ]);
  });

  it('checks the membership with a strongly consistent read before setting a status', async () => {
    const clock = new ManualClock();
    const { client, sent } = recording();
    const memberships = adapter(client, clock);
    const room = unique('room');
    const id = connectionId('status', false);
    await memberships.add(member(room, id, 'ada', clock));
    sent.length = 0;

    expect(await memberships.setStatus(room, id, { status: 'away' })).toBe(true);
    expect(consistentReads(sent)).toEqual([true]);
  });

  it('passes on a throttled status update instead of saying the member is gone', async () => {
    const clock = new ManualClock();
    const room = unique('room');
    const id = connectionId('status', false);
    await adapter(table.client, clock).add(member(room, id, 'ada', clock));
    const memberships = adapter(throttling(setsStatus), clock);

    await expect(memberships.setStatus(room, id, { status: 'busy' })).rejects.toBeInstanceOf(
      ProvisionedThroughputExceededException,
    );
  });

  it('passes on a throttled growth of the room, which stays as it was', async () => {
    const clock = new ManualClock();
    const room = unique('room');
    // One member a bucket: the first counted join outgrows the room's single bucket.
    const memberships = adapter(throttling(growsRoom), clock, 1);

    await expect(
      memberships.add(member(room, connectionId('counted', true), 'ada', clock)),
    ).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(await memberships.roomShape(room)).toEqual({
      buckets: 1,
      approximateMembers: MEMBER_COUNT_SAMPLE,
    });
  });

  it('keeps at most 1,000 room shapes, forgetting the oldest, so a long-lived function stays small', async () => {
    const clock = new ManualClock();
    const { client, sent } = recording();
    const memberships = adapter(client, clock);
    const first = unique('first');
    const shapeReadsOf = (room: string) =>
      sent.filter(
        (s) => s.command === 'GetCommand' && (s.input['Key'] as { pk: string }).pk === `ROOM#${room}`,
      ).length;

    await memberships.connectionsOfUserInRoom(first, 'ada');
    await memberships.connectionsOfUserInRoom(first, 'ada');
    expect(shapeReadsOf(first)).toBe(1);

    const others = Array.from({ length: 1_000 }, () => unique('other'));
    for (let i = 0; i < others.length; i += 100) {
      await Promise.all(others.slice(i, i + 100).map((room) => memberships.roomShape(room)));
    }
    await memberships.connectionsOfUserInRoom(first, 'ada');

    expect(shapeReadsOf(first)).toBe(2);
  });
});

describe('records as stored', () => {
  // Each record names its kind in `type`, as the room's shape item does: a scan or an export of the
  // single table tells them apart by it.
  const clock = new ManualClock();
  const config = () => ({ client: table.client, tableName: table.tableName, clock });

  it('a ban: in the room’s own partition, under the user', async () => {
    const room = unique('room');
    await new DynamoDbBans(config()).ban(room, 'ada', 1_000);
    expect(await rawItem(`ROOM#${room}`, 'BAN#ada')).toEqual({
      pk: `ROOM#${room}`,
      sk: 'BAN#ada',
      type: 'ban',
      room,
      userId: 'ada',
      bannedAt: 1_000,
    });
  });

  it('a user’s status', async () => {
    const user = unique('ada');
    await new DynamoDbUserStatus(config()).set(user, { status: 'busy', text: 'in a call', changedAt: 5 });
    expect(await rawItem(`USER#${user}`, 'STATUS')).toEqual({
      pk: `USER#${user}`,
      sk: 'STATUS',
      type: 'userStatus',
      userId: user,
      status: 'busy',
      text: 'in a call',
      changedAt: 5,
    });
  });

  it('a read marker, whether a read moved it or following the conversation started it', async () => {
    const markers = new DynamoDbReadMarkers(config());
    const user = unique('ada');
    const read = roomConversation('general');
    const followed = directConversation(user, 'bob');
    const expiresAt = clock.now() + DAY;
    await markers.markRead(user, read, 7, expiresAt);
    await markers.track(user, followed, expiresAt);

    const stored = { type: 'readMarker', expiresAt, ttl: Math.ceil(expiresAt / 1000) };
    expect(await rawItem(`USER#${user}`, `READ#${conversationKey(read)}`)).toEqual({
      pk: `USER#${user}`,
      sk: `READ#${conversationKey(read)}`,
      ...stored,
      readSeq: 7,
      conversation: read,
    });
    expect(await rawItem(`USER#${user}`, `READ#${conversationKey(followed)}`)).toEqual({
      pk: `USER#${user}`,
      sk: `READ#${conversationKey(followed)}`,
      ...stored,
      readSeq: 0,
      conversation: followed,
    });
  });
});
