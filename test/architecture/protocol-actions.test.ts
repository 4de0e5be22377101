// Architecture: the client actions are named in three places (the route table API Gateway routes by,
// the domain's parser, the client SDK's frames); they must name the same set.

import { describe, expect, it } from '@jest/globals';
import { CLIENT_ACTIONS } from '../../src/client/index.js';
import { ACTIONS } from '../../src/domain/index.js';
import { ROUTE_TABLE } from '../../src/handlers/route-table.js';

/** API Gateway's own routes (`$connect`, `$disconnect`, `$default`) carry no action. */
const messageRoutes = Object.keys(ROUTE_TABLE.routes).filter((key) => !key.startsWith('$'));
const sorted = (names: readonly string[]) => [...names].sort();

describe('the client actions', () => {
  it('are routed by the route table exactly as the domain parses them', () => {
    expect(sorted(messageRoutes)).toEqual(sorted(ACTIONS));
  });

  it('are the ones the client SDK can send', () => {
    expect(sorted(CLIENT_ACTIONS)).toEqual(sorted(ACTIONS));
  });

  it('are each listed once', () => {
    for (const list of [messageRoutes, ACTIONS, CLIENT_ACTIONS]) expect(new Set(list).size).toBe(list.length);
  });
});
