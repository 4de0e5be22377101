// Client SDK: the per-conversation cursor that turns arrivals in any order, with repeats, into one
// gap-free, in-order stream.

import { describe, expect, it } from '@jest/globals';
import { SequenceCursor, type Source } from '../../src/client/sequence-cursor.js';

function cursor(last?: number) {
  const delivered: string[] = [];
  const c = new SequenceCursor<{ seq: number }>(
    (event, source: Source) => delivered.push(`${event.seq}${source[0]}`),
    last,
  );
  return { c, delivered };
}

describe('SequenceCursor', () => {
  it('holds everything until the starting point is known, then delivers from it', () => {
    const { c, delivered } = cursor();
    c.offer({ seq: 5 }, 'live');
    c.offer({ seq: 3 }, 'live');
    expect(delivered).toEqual([]);
    expect(c.gap()).toBeUndefined();
    c.startAfter(3);
    expect(delivered).toEqual([]);
    c.offer({ seq: 4 }, 'history');
    expect(delivered).toEqual(['4h', '5l']);
    expect(c.lastDelivered).toBe(5);
    expect(c.heldCount).toBe(0);
  });

  it('drops repeats and anything at or below what it delivered', () => {
    const { c, delivered } = cursor(0);
    for (const seq of [1, 1, 2, 1, 2, 3]) c.offer({ seq }, 'live');
    expect(delivered).toEqual(['1l', '2l', '3l']);
  });

  it('names the missing range, and moves past it when told it no longer exists', () => {
    const { c, delivered } = cursor(2);
    c.offer({ seq: 6 }, 'live');
    c.offer({ seq: 5 }, 'live');
    expect(c.gap()).toEqual({ after: 2, before: 5 });
    c.offer({ seq: 3 }, 'missed');
    expect(c.gap()).toEqual({ after: 3, before: 5 });
    c.skipTo(5);
    expect(delivered).toEqual(['3m', '5l', '6l']);
    expect(c.gap()).toBeUndefined();
  });

  it('ignores frames with a malformed seq', () => {
    const { c, delivered } = cursor(0);
    c.offer({ seq: 0 }, 'live');
    c.offer({ seq: 1.5 }, 'live');
    expect(delivered).toEqual([]);
    expect(c.heldCount).toBe(0);
  });
});
