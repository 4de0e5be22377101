// Contract: the behaviour every NotifierPort must show, run against the fake and the real adapter.

import { beforeEach, describe, expect, it } from '@jest/globals';
import type { NotifierPort, ServerEvent } from '../../src/domain/index.js';

export interface NotifierUnderTest {
  readonly notifier: NotifierPort;
  /** Opens a connection that can receive events; returns its id. */
  open(): Promise<string>;
  /** Events the connection has received, oldest first. */
  received(connectionId: string): Promise<ServerEvent[]>;
  /** A well-formed id of a connection that never existed. */
  readonly unknownId: string;
}

export function notifierContract(name: string, make: () => Promise<NotifierUnderTest>): void {
  describe(`NotifierPort contract: ${name}`, () => {
    let subject: NotifierUnderTest;

    beforeEach(async () => {
      subject = await make();
    });

    it('delivers an event to an open connection', async () => {
      const id = await subject.open();
      const event: ServerEvent = { type: 'pong', serverTime: 42, requestId: 'r=1' };
      expect(await subject.notifier.deliver(id, event)).toBe('delivered');
      expect(await subject.received(id)).toEqual([event]);
    });

    it('delivers events to one connection in the order they were sent', async () => {
      const id = await subject.open();
      for (let i = 1; i <= 5; i += 1) await subject.notifier.deliver(id, { type: 'pong', serverTime: i });
      expect((await subject.received(id)).map((e) => (e.type === 'pong' ? e.serverTime : 0))).toEqual([
        1, 2, 3, 4, 5,
      ]);
    });

    it('delivers text that is not ASCII unchanged', async () => {
      const id = await subject.open();
      const event: ServerEvent = {
        type: 'typing',
        room: 'général',
        user: { userId: 'u', displayName: 'Zoë 😀 “quotes”' },
        isTyping: true,
      };
      await subject.notifier.deliver(id, event);
      expect(await subject.received(id)).toEqual([event]);
    });

    it('reports a connection that never existed as gone', async () => {
      expect(await subject.notifier.deliver(subject.unknownId, { type: 'pong', serverTime: 1 })).toBe('gone');
    });

    it('closes a connection, after which it is gone', async () => {
      const id = await subject.open();
      expect(await subject.notifier.close(id)).toBe('closed');
      expect(await subject.notifier.deliver(id, { type: 'pong', serverTime: 1 })).toBe('gone');
      expect(await subject.notifier.close(id)).toBe('gone');
    });
  });
}
