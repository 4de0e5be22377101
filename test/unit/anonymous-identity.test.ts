// Unit: the identities anonymous mode makes up at `$connect` (`anon-` and the start of a new id).

import { describe, expect, it } from '@jest/globals';
import { anonymousIdentity, ChatError, type IdGeneratorPort } from '../../src/domain/index.js';

const ids = (...values: string[]): IdGeneratorPort => ({ newId: () => values.shift() ?? 'exhausted' });

describe('anonymousIdentity', () => {
  it('takes the user id from a new id and the display name the client asked for', () => {
    expect(anonymousIdentity(ids('3f2a9c1d-77e0-4b1e-9d2c-0a1b2c3d4e5f'), 'Zed')).toEqual({
      userId: 'anon-3f2a9c1d',
      displayName: 'Zed',
    });
  });

  it('gives every call its own id', () => {
    const source = ids('aaaaaaaa-1', 'bbbbbbbb-2');
    expect(anonymousIdentity(source, undefined).userId).toBe('anon-aaaaaaaa');
    expect(anonymousIdentity(source, undefined).userId).toBe('anon-bbbbbbbb');
  });

  it('falls back to the user id for a blank or missing name, and cleans the name like any other', () => {
    expect(anonymousIdentity(ids('12345678'), '  ').displayName).toBe('anon-12345678');
    expect(anonymousIdentity(ids('12345678'), undefined).displayName).toBe('anon-12345678');
    expect(anonymousIdentity(ids('12345678'), 'Z\u0000ed').displayName).toBe('Zed');
  });

  it('refuses an id that cannot be a user id', () => {
    expect(() => anonymousIdentity(ids('bad#id!!'), 'Zed')).toThrow(ChatError);
  });
});
