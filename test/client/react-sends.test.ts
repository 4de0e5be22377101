// Client SDK, React bindings: the pure parts. The ack state of sends as a reducer, and the shared
// holds whose releases wait a moment so that a StrictMode remount or a second component keeps one join.

import { describe, expect, it } from '@jest/globals';
import { RoomcastError, type AckEvent } from '../../src/client/index.js';
import { RefCounts } from '../../src/client/react/ref-counts.js';
import { reduceSends, type OutgoingMessage } from '../../src/client/react/sends.js';

function ack(seq: number, clientMsgId: string): AckEvent {
  return {
    type: 'ack',
    room: 'general',
    seq,
    messageId: `m${seq}`,
    sentAt: 1,
    duplicate: false,
    clientMsgId,
  };
}

describe('reduceSends', () => {
  const sent = reduceSends([], { type: 'sent', clientMsgId: 'a', text: 'hello' });

  it('starts a send as pending, once per clientMsgId', () => {
    expect(sent).toEqual([{ clientMsgId: 'a', text: 'hello', status: 'pending', delivered: false }]);
    expect(reduceSends(sent, { type: 'sent', clientMsgId: 'a', text: 'hello' })).toBe(sent);
  });

  it('moves pending to acked with the ack, and to delivered when the stored message arrives', () => {
    const acked = reduceSends(sent, { type: 'acked', clientMsgId: 'a', ack: ack(7, 'a'), delivered: false });
    expect(acked[0]).toMatchObject({ status: 'acked', delivered: false, ack: { seq: 7 } });
    expect(reduceSends(acked, { type: 'delivered', seq: 6 })).toBe(acked);
    expect(reduceSends(acked, { type: 'delivered', seq: 7 })[0]).toMatchObject({
      status: 'acked',
      delivered: true,
    });
  });

  it('is delivered at once when the message came before its ack', () => {
    const acked = reduceSends(sent, { type: 'acked', clientMsgId: 'a', ack: ack(7, 'a'), delivered: true });
    expect(acked[0]?.delivered).toBe(true);
  });

  it('keeps the typed error of a failure, and a retry makes it pending again without the error', () => {
    const error = new RoomcastError('message_too_large', 'too long', { clientMsgId: 'a' });
    const failed = reduceSends(sent, { type: 'failed', clientMsgId: 'a', error });
    expect(failed[0]).toMatchObject({ status: 'failed', error });
    expect(failed[0]?.error?.code).toBe('message_too_large');
    const retried = reduceSends(failed, { type: 'retried', clientMsgId: 'a' });
    expect(retried).toEqual([{ clientMsgId: 'a', text: 'hello', status: 'pending', delivered: false }]);
  });

  it('ignores what does not apply: an ack of a failed send, a retry of a pending one, unknown ids', () => {
    const error = new RoomcastError('timeout', 'no reply');
    const failed = reduceSends(sent, { type: 'failed', clientMsgId: 'a', error });
    expect(reduceSends(failed, { type: 'acked', clientMsgId: 'a', ack: ack(1, 'a'), delivered: false })).toBe(
      failed,
    );
    expect(reduceSends(sent, { type: 'retried', clientMsgId: 'a' })).toBe(sent);
    expect(reduceSends(sent, { type: 'failed', clientMsgId: 'b', error })).toBe(sent);
  });

  it('changes only the send concerned and keeps the order', () => {
    let sends: readonly OutgoingMessage[] = [];
    for (const id of ['a', 'b', 'c']) sends = reduceSends(sends, { type: 'sent', clientMsgId: id, text: id });
    const next = reduceSends(sends, { type: 'acked', clientMsgId: 'b', ack: ack(2, 'b'), delivered: false });
    expect(next.map((send) => `${send.clientMsgId}:${send.status}`)).toEqual([
      'a:pending',
      'b:acked',
      'c:pending',
    ]);
    expect(next[0]).toBe(sends[0]);
  });
});

describe('RefCounts', () => {
  function counts(): { holds: RefCounts<string>; log: string[]; flush: () => void } {
    const log: string[] = [];
    const deferred: (() => void)[] = [];
    const holds = new RefCounts<string>(
      { start: (key) => log.push(`start ${key}`), stop: (key) => log.push(`stop ${key}`) },
      (task) => deferred.push(task),
    );
    return { holds, log, flush: () => deferred.splice(0).forEach((task) => task()) };
  }

  it('starts on the first hold and stops after the last release, once the deferred work runs', () => {
    const { holds, log, flush } = counts();
    const first = holds.acquire('general');
    const second = holds.acquire('general');
    expect(log).toEqual(['start general']);
    first();
    flush();
    expect(log).toEqual(['start general']);
    second();
    expect(log).toEqual(['start general']);
    flush();
    expect(log).toEqual(['start general', 'stop general']);
    expect(holds.isStarted('general')).toBe(false);
  });

  it('survives a release and a hold in one go, as StrictMode remounts: one start, no stop', () => {
    const { holds, log, flush } = counts();
    holds.acquire('general')();
    const again = holds.acquire('general');
    flush();
    expect(log).toEqual(['start general']);
    expect(holds.count('general')).toBe(1);
    again();
    flush();
    expect(log).toEqual(['start general', 'stop general']);
  });

  it('counts a release once however often it is called, and keys apart', () => {
    const { holds, log, flush } = counts();
    const a = holds.acquire('a');
    holds.acquire('a');
    holds.acquire('b');
    a();
    a();
    flush();
    expect(holds.count('a')).toBe(1);
    expect(log).toEqual(['start a', 'start b']);
  });

  it('starts afresh after a stop', () => {
    const { holds, log, flush } = counts();
    holds.acquire('general')();
    flush();
    holds.acquire('general');
    expect(log).toEqual(['start general', 'stop general', 'start general']);
  });
});
