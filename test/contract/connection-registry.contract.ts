// Contract: the behaviour every ConnectionRegistryPort must show, run against the fake and the real adapter.

import { beforeEach, describe, expect, it } from '@jest/globals';
import type { Connection, ConnectionRegistryPort } from '../../src/domain/index.js';
import type { ManualClock } from '../fakes/manual-clock.js';

export interface RegistryUnderTest {
  readonly registry: ConnectionRegistryPort;
  readonly clock: ManualClock;
}

const HOUR = 3_600_000;

export function connectionRegistryContract(name: string, make: () => Promise<RegistryUnderTest>): void {
  describe(`ConnectionRegistryPort contract: ${name}`, () => {
    let registry: ConnectionRegistryPort;
    let clock: ManualClock;
    let n = 0;
    // Unique ids per test so a shared real table needs no cleanup between tests.
    const id = (label: string) => `${label}-${n}`;
    const connection = (connectionId: string, userId: string, ttl = HOUR): Connection => ({
      connectionId,
      userId,
      displayName: `Name of ${userId}`,
      connectedAt: clock.now(),
      expiresAt: clock.now() + ttl,
    });

    beforeEach(async () => {
      n += 1;
      ({ registry, clock } = await make());
    });

    it('finds a registered connection', async () => {
      const record = connection(id('c1'), id('u'));
      await registry.register(record);
      expect(await registry.find(record.connectionId)).toEqual(record);
    });

    it('finds nothing for an unknown connection', async () => {
      expect(await registry.find(id('unknown'))).toBeUndefined();
    });

    it('forgets a removed connection, and removing twice is fine', async () => {
      const record = connection(id('c1'), id('u'));
      await registry.register(record);
      await registry.remove(record.connectionId);
      await registry.remove(record.connectionId);
      expect(await registry.find(record.connectionId)).toBeUndefined();
    });

    it('lists the unexpired connections of one user only', async () => {
      const user = id('u');
      const a = connection(id('a'), user);
      const b = connection(id('b'), user, 10);
      const other = connection(id('o'), id('someone-else'));
      for (const record of [a, b, other]) await registry.register(record);

      const all = await registry.connectionsOfUser(user);
      expect(all.map((c) => c.connectionId).sort()).toEqual([a.connectionId, b.connectionId].sort());

      clock.advance(10);
      expect((await registry.connectionsOfUser(user)).map((c) => c.connectionId)).toEqual([a.connectionId]);
    });

    it('treats an expired connection as absent', async () => {
      const record = connection(id('c1'), id('u'), 1_000);
      await registry.register(record);
      clock.advance(1_000);
      expect(await registry.find(record.connectionId)).toBeUndefined();
    });

    it('pages through every live connection exactly once', async () => {
      const ids = Array.from({ length: 23 }, (_, i) => id(`all${String(i).padStart(2, '0')}`));
      for (const [i, connectionId] of ids.entries())
        await registry.register(connection(connectionId, `u${i % 5}`));
      await registry.register(connection(id('gone-soon'), 'u', 10));
      clock.advance(10);

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await registry.connectionsPage({ limit: 4, ...(cursor ? { cursor } : {}) });
        seen.push(...page.connections.map((c) => c.connectionId));
        cursor = page.cursor;
        pages += 1;
      } while (cursor !== undefined && pages < 500);

      // A shared real table may hold other tests' connections: check ours are all there, once.
      const ours = seen.filter((s) => s.endsWith(`-${n}`));
      expect(ours.slice().sort()).toEqual(ids.slice().sort());
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('keeps user ids with special characters apart', async () => {
      const plain = connection(id('p'), `${id('u')}`);
      const prefixed = connection(id('q'), `${id('u')}x`);
      await registry.register(plain);
      await registry.register(prefixed);
      expect((await registry.connectionsOfUser(plain.userId)).map((c) => c.connectionId)).toEqual([
        plain.connectionId,
      ]);
    });
    it('splits the connections over its partitions: disjoint pages that together make the whole walk', async () => {
      const ids = Array.from({ length: 40 }, (_, i) => id(`part${String(i).padStart(2, '0')}`));
      for (const connectionId of ids) await registry.register(connection(connectionId, 'u'));
      const ours = (connections: readonly Connection[]) =>
        connections.map((c) => c.connectionId).filter((s) => s.endsWith(`-${n}`));

      const walk = async (partition?: number): Promise<string[]> => {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await registry.connectionsPage({
            limit: 3,
            ...(partition === undefined ? {} : { partition }),
            ...(cursor ? { cursor } : {}),
          });
          seen.push(...ours(page.connections));
          cursor = page.cursor;
          pages += 1;
        } while (cursor !== undefined && pages < 1_000);
        return seen;
      };

      const parts: string[][] = [];
      for (let partition = 0; partition < registry.partitions; partition += 1)
        parts.push(await walk(partition));
      const whole = await walk();

      expect(registry.partitions).toBeGreaterThan(1);
      expect(parts.filter((part) => part.length > 0).length).toBeGreaterThan(1);
      expect(parts.flat().length).toBe(new Set(parts.flat()).size);
      expect(parts.flat().sort()).toEqual(whole.slice().sort());
      expect(whole.slice().sort()).toEqual(ids);
    });

    it('refuses a partition it does not have', async () => {
      await expect(registry.connectionsPage({ limit: 1, partition: registry.partitions })).rejects.toThrow(
        RangeError,
      );
      await expect(registry.connectionsPage({ limit: 1, partition: -1 })).rejects.toThrow(RangeError);
    });
  });
}
