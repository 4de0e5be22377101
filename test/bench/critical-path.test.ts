// Bench support test: how benchmark 3 counts the round trips before a message's first member delivery,
// from the start and end times its recorder saw (requests that overlap count once).

import { describe, expect, it } from '@jest/globals';
import { criticalPath, type Call } from '../../bench/lib/critical-path.js';

const call = (name: string, start: number, end: number): Call => ({ name, start, end });

describe('criticalPath', () => {
  it('counts requests that overlap once, and follows the ones that wait for each other', () => {
    const path = criticalPath([
      call('DynamoDB:UpdateItem', 0, 4),
      call('DynamoDB:GetItem', 0, 3),
      call('DynamoDB:Query', 1, 5),
      call('DynamoDB:UpdateItem', 5, 8),
      call('DynamoDB:PutItem', 8, 12),
      call('@connections:ack', 12, 15),
      call('@connections:message', 12, 14),
    ]);

    expect(path?.depth).toBe(3);
    expect(path?.chain).toEqual(['DynamoDB:Query', 'DynamoDB:UpdateItem', 'DynamoDB:PutItem']);
    // 4 + 3 + 4 ms inside the requests; 12 ms from the first request to the first delivery.
    expect(path?.linksMs).toEqual([4, 3, 4]);
    expect(path?.chainMs).toBe(11);
    // The Query ran with the UpdateItem and the GetItem started beside it.
    expect(path?.firstStageWidth).toBe(3);
    expect(path?.spanMs).toBe(12);
  });

  it('counts an ack the first delivery waited for', () => {
    const path = criticalPath([
      call('DynamoDB:PutItem', 0, 2),
      call('@connections:ack', 2, 5),
      call('@connections:message', 6, 7),
    ]);

    expect(path?.depth).toBe(2);
    expect(path?.chain).toEqual(['DynamoDB:PutItem', '@connections:ack']);
  });

  it('measures from the first member delivery, not a later one', () => {
    const path = criticalPath([
      call('DynamoDB:PutItem', 0, 2),
      call('@connections:message', 3, 4),
      call('DynamoDB:Query', 4, 6),
      call('@connections:message', 7, 8),
    ]);

    expect(path?.depth).toBe(1);
    expect(path?.spanMs).toBe(3);
  });

  it('has no path for a message that reached no member', () => {
    expect(criticalPath([call('DynamoDB:PutItem', 0, 2), call('@connections:ack', 2, 3)])).toBeUndefined();
  });
});
