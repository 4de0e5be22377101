// Unit: error frames, policy validation and identities from the authorizer.

import { describe, expect, it } from '@jest/globals';
import {
  ChatError,
  chatPolicy,
  type ChatPolicy,
  DEFAULT_CHAT_POLICY,
  ERROR_CODES,
  ERROR_STATUS,
  toErrorEvent,
  toIdentity,
  utf8Length,
} from '../../src/domain/index.js';

describe('toErrorEvent', () => {
  it('keeps a chat error’s code, message, details and the requestId', () => {
    const error = new ChatError('not_a_member', 'Join first', { room: 'general' });
    expect(toErrorEvent(error, 'r1')).toEqual({
      type: 'error',
      code: 'not_a_member',
      message: 'Join first',
      requestId: 'r1',
      details: { room: 'general' },
    });
  });

  it('hides the text of unexpected errors behind internal_error', () => {
    const event = toErrorEvent(new Error('ConditionalCheckFailed on table prod-chat'));
    expect(event).toEqual({
      type: 'error',
      code: 'internal_error',
      message: 'Something went wrong on our side',
    });
    expect(JSON.stringify(event)).not.toContain('prod-chat');
  });

  it('has a status for every code', () => {
    for (const code of ERROR_CODES) expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
  });
});

describe('chatPolicy', () => {
  it('uses the defaults when nothing is overridden', () => {
    expect(chatPolicy()).toEqual(DEFAULT_CHAT_POLICY);
    expect(DEFAULT_CHAT_POLICY).toMatchObject({
      lobbyRoom: 'lobby',
      maxFrameBytes: 32_768,
      maxPayloadBytes: 131_072,
      // API Gateway closes a connection after 2 hours; its record outlives that by 5 minutes.
      connectionTtlMs: 7_500_000,
      messageRetentionMs: 7 * 86_400_000,
    });
  });

  it('accepts a user bucket exactly as large as the connection bucket', () => {
    const same = { burst: 20, perSecond: 5 };
    expect(chatPolicy({ rateLimit: same, userRateLimit: same }).userRateLimit).toEqual(same);
  });

  it.each([
    { lobbyRoom: 'bad room' },
    { fanOutConcurrency: 0 },
    { membersPageSize: 1.5 },
    { historyLimitDefault: 200, historyLimitMax: 100 },
    { maxFrameBytes: 200_000 },
  ])('refuses %j', (overrides) => {
    expect(() => chatPolicy(overrides)).toThrow(RangeError);
  });

  it.each<[Partial<ChatPolicy>, string]>([
    [{ fanOutConcurrency: 0 }, 'fanOutConcurrency must be a positive integer, got 0'],
    [{ handshakeGraceMs: -1 }, 'handshakeGraceMs must be a non-negative integer'],
    [{ roomShapeCacheMs: 1.5 }, 'roomShapeCacheMs must be a non-negative integer'],
    [
      { rateLimit: { burst: 0, perSecond: 1 } },
      'rateLimit needs a positive integer burst and a positive perSecond',
    ],
    [
      {
        rateLimit: { burst: 5, perSecond: 1 },
        userRateLimit: { burst: 5, perSecond: Number.POSITIVE_INFINITY },
      },
      'userRateLimit needs a positive integer burst and a positive perSecond',
    ],
    [
      { rateLimit: { burst: 5, perSecond: 2 }, userRateLimit: { burst: 10, perSecond: 1 } },
      'userRateLimit must be at least rateLimit (burst and perSecond)',
    ],
    [
      { historyLimitDefault: 200, historyLimitMax: 100 },
      'historyLimitDefault must not exceed historyLimitMax',
    ],
    [{ maxFrameBytes: 200_000 }, 'maxFrameBytes must not exceed maxPayloadBytes'],
  ])('says what is wrong with %j', (overrides, message) => {
    expect(() => chatPolicy(overrides)).toThrow(new RangeError(message));
  });

  it('refuses a rate limit that refills nothing per second', () => {
    expect(() => chatPolicy({ rateLimit: { burst: 5, perSecond: 0 } })).toThrow(
      new RangeError('rateLimit needs a positive integer burst and a positive perSecond'),
    );
  });

  it('accepts either rate limit switched off', () => {
    expect(chatPolicy({ rateLimit: null }).rateLimit).toBeNull();
    expect(chatPolicy({ userRateLimit: null }).userRateLimit).toBeNull();
  });
});

describe('toIdentity', () => {
  it('takes the user id and display name from the authorizer context', () => {
    expect(toIdentity('user-1', 'Ada')).toEqual({ userId: 'user-1', displayName: 'Ada' });
  });

  it('falls back to the user id for a missing or blank display name', () => {
    expect(toIdentity('user-1', undefined)).toEqual({ userId: 'user-1', displayName: 'user-1' });
    expect(toIdentity('user-1', ' \u0007 ')).toEqual({ userId: 'user-1', displayName: 'user-1' });
  });

  it('cuts an over-long display name to 64 characters', () => {
    expect(Array.from(toIdentity('u', '😀'.repeat(100)).displayName)).toHaveLength(64);
  });

  it('says the connection has no valid identity when it refuses one', () => {
    expect(() => toIdentity('a#b', 'name')).toThrow(
      expect.objectContaining({ code: 'unauthorized', message: 'The connection has no valid user identity' }),
    );
  });

  it.each([undefined, '', 'a#b', 'x'.repeat(129), 42])('refuses user id %j as unauthorized', (userId) => {
    expect(() => toIdentity(userId, 'name')).toThrow(expect.objectContaining({ code: 'unauthorized' }));
  });
});

describe('utf8Length', () => {
  it.each(['', 'ascii', 'é', '€', '😀', 'a\uD800b', 'mixed é€😀 text'])('matches Node for %j', (text) => {
    expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'));
  });

  // Each range's edges (1, 2 and 3 bytes; high and low surrogates, paired or lone), each followed by
  // nothing, ASCII, a surrogate of either kind or the first code unit past them.
  const edges = [0x00, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xffff];
  const followers = ['', 'a', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uE000'];
  it('matches Node at the edge of every encoding range, whatever follows', () => {
    for (const unit of edges) {
      for (const follower of followers) {
        const text = String.fromCharCode(unit) + follower;
        expect([text, utf8Length(text)]).toEqual([text, Buffer.byteLength(text, 'utf8')]);
      }
    }
  });
});
