// Integration: the gap-free sequence under concurrent refused and accepted sends, on the real adapters
// (DynamoDB Local for the log, the memberships and the rate limits). The reads of a send start before its
// admission is known; a refused send (rate limited, not a member, too large) must still draw no number.

import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  DynamoDbConnectionRegistry,
  DynamoDbMessageLog,
  DynamoDbRateLimiter,
  DynamoDbRoomMembership,
} from '../../src/adapters/dynamodb/index.js';
import {
  chatPolicy,
  createChat,
  dispatch,
  parseClientAction,
  roomConversation,
  type Caller,
  type ConnectionId,
  type DeliveryOutcome,
  type ServerEvent,
} from '../../src/domain/index.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { RecordingLogger } from '../fakes/recording-logger.js';
import { SequentialIds } from '../fakes/sequential-ids.js';
import { startTestTable, type TestTable } from '../support/dynamodb-table.js';

let table: TestTable;
beforeAll(async () => {
  table = await startTestTable();
}, 60_000);
afterAll(async () => {
  await table?.stop();
});

it('numbers only the accepted sends, 1..N without a gap, however refused ones interleave', async () => {
  const tableName = await table.freshTable();
  const clock = new ManualClock();
  const config = { client: table.client, tableName, clock };
  const messages = new DynamoDbMessageLog(config);
  const acks: number[] = [];
  const notifier = {
    deliver: async (_connectionId: ConnectionId, event: ServerEvent): Promise<DeliveryOutcome> => {
      if (event.type === 'ack') acks.push(event.seq);
      return 'delivered';
    },
    close: async () => 'closed' as const,
  };
  const chat = createChat(
    {
      connections: new DynamoDbConnectionRegistry(config),
      memberships: new DynamoDbRoomMembership(config),
      messages,
      notifier,
      clock,
      ids: new SequentialIds(),
      logger: new RecordingLogger(),
      rateLimiter: new DynamoDbRateLimiter(config),
    },
    chatPolicy({ lobbyRoom: null, rateLimit: { burst: 3, perSecond: 1 }, maxTextChars: 100 }),
  );
  const caller = async (name: string, joins: boolean): Promise<Caller> => {
    const identity = { userId: name, displayName: name };
    await chat.connect.execute({ connectionId: `c-${name}`, identity, connectedAt: clock.now() });
    const joined = { connectionId: `c-${name}`, identity, connectedAt: clock.now() };
    if (joins) await chat.join.execute(joined, { action: 'join', room: 'race' });
    return joined;
  };
  const members = await Promise.all(['m1', 'm2', 'm3', 'm4'].map((name) => caller(name, true)));
  const outsider = await caller('outsider', false);
  const send = (who: Caller, text: string) => {
    const admitted = chat.admission.admit(who);
    admitted.catch(() => undefined);
    return dispatch(
      chat,
      who,
      parseClientAction({ action: 'sendMessage', room: 'race', text }),
      admitted,
    ).then(
      () => 'accepted',
      (error: { code: string }) => error.code,
    );
  };

  // Each member sends five (three fit its burst), an outsider five, and each member one too large.
  const outcomes = await Promise.all([
    ...members.flatMap((member) =>
      Array.from({ length: 5 }, (_, i) => send(member, `${member.identity.userId}-${i}`)),
    ),
    ...Array.from({ length: 5 }, (_, i) => send(outsider, `outsider-${i}`)),
    ...members.map((member) => send(member, 'x'.repeat(101))),
  ]);

  const accepted = outcomes.filter((outcome) => outcome === 'accepted').length;
  // Each member's burst of 3 is shared by its six frames, the too-large one included.
  expect(accepted).toBeGreaterThanOrEqual(8);
  expect(accepted).toBeLessThanOrEqual(12);
  expect(outcomes.filter((outcome) => outcome === 'not_a_member')).toHaveLength(3);
  expect(outcomes.filter((outcome) => outcome === 'rate_limited').length).toBeGreaterThanOrEqual(2 + 4 * 2);
  expect([...acks].sort((a, b) => a - b)).toEqual(Array.from({ length: accepted }, (_, i) => i + 1));
  const stored = await messages.read(roomConversation('race'), { limit: 100 });
  expect(stored.messages.map((message) => message.seq)).toEqual(
    Array.from({ length: accepted }, (_, i) => i + 1),
  );
});
