// Unit: the per-user limits as settings: read from the environment, checked against each other.

import { describe, expect, it } from '@jest/globals';
import { chatPolicy } from '../../src/domain/index.js';
import { readChatConfig } from '../../src/handlers/config.js';

const base = { AWS_REGION: 'eu-west-1', TABLE_NAME: 'roomcast' };

describe('per-user limits settings', () => {
  it('reads the caps and the user bucket from their variables', () => {
    const { policy } = readChatConfig({
      ...base,
      MAX_CONNECTIONS_PER_USER: '4',
      MAX_ROOMS_PER_CONNECTION: '7',
      USER_RATE_LIMIT_BURST: '45',
      USER_RATE_LIMIT_PER_SECOND: '6.5',
    });
    expect(policy).toMatchObject({
      maxConnectionsPerUser: 4,
      maxRoomsPerConnection: 7,
      userRateLimit: { burst: 45, perSecond: 6.5 },
    });
  });

  it('turns the user bucket off with either number at 0', () => {
    expect(readChatConfig({ ...base, USER_RATE_LIMIT_BURST: '0' }).policy.userRateLimit).toBeNull();
    expect(readChatConfig({ ...base, USER_RATE_LIMIT_PER_SECOND: '0' }).policy.userRateLimit).toBeNull();
  });

  it('refuses a cap that is not a positive integer, naming the variable', () => {
    expect(() => readChatConfig({ ...base, MAX_CONNECTIONS_PER_USER: '0' })).toThrow(
      /MAX_CONNECTIONS_PER_USER/,
    );
    expect(() => readChatConfig({ ...base, MAX_ROOMS_PER_CONNECTION: 'lots' })).toThrow(
      /MAX_ROOMS_PER_CONNECTION/,
    );
  });

  it('refuses a user bucket smaller than the connection bucket', () => {
    expect(() => readChatConfig({ ...base, RATE_LIMIT_BURST: '100' })).toThrow(
      /userRateLimit must be at least/,
    );
    expect(() => chatPolicy({ userRateLimit: { burst: 60, perSecond: 1 } })).toThrow(/userRateLimit/);
    expect(chatPolicy({ rateLimit: null, userRateLimit: { burst: 1, perSecond: 1 } }).userRateLimit).toEqual({
      burst: 1,
      perSecond: 1,
    });
  });
});
