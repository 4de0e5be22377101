// Unit: the one normalisation every identity goes through: reserved ids in any case, display names
// without invisible characters or lone surrogates, capped in code points (authorizer, `?name=`, backends).

import { describe, expect, it } from '@jest/globals';
import {
  anonymousIdentity,
  cleanDisplayName,
  isReservedUserId,
  MAX_DISPLAY_NAME,
  toDisplayName,
  toIdentity,
  type IdGeneratorPort,
} from '../../src/domain/index.js';
import { backendSender, backendText } from '../../src/domain/use-cases/backend/backend-sender.js';

const ids = (value: string): IdGeneratorPort => ({ newId: () => value });
const nameOf = (raw: unknown) => toIdentity('user-1', raw).displayName;

describe('reserved user ids', () => {
  it.each(['system', 'SYSTEM', 'System', 'sYsTeM'])('refuses %j as unauthorized', (userId) => {
    expect(isReservedUserId(userId)).toBe(true);
    expect(() => toIdentity(userId, 'Ops')).toThrow(expect.objectContaining({ code: 'unauthorized' }));
  });

  it.each(['systems', 'system1', 'my-system', 'sys'])('lets %j through', (userId) => {
    expect(isReservedUserId(userId)).toBe(false);
    expect(toIdentity(userId, undefined).userId).toBe(userId);
  });
});

describe('display names', () => {
  it.each([
    ['a right-to-left override', 'Ada\u202Enimda', 'Adanimda'],
    ['every bidi embedding and override', '\u202AA\u202BB\u202CC\u202DD\u202EE', 'ABCDE'],
    ['bidi isolates', '\u2066A\u2067B\u2068C\u2069', 'ABC'],
    ['a zero-width space', 'ad\u200Bmin', 'admin'],
    ['a zero-width joiner and non-joiner', 'ad\u200Dm\u200Cin', 'admin'],
    ['left-to-right and right-to-left marks', '\u200EAda\u200F', 'Ada'],
    ['a word joiner', 'Ad\u2060a', 'Ada'],
    ['a byte-order mark, leading or inside', '\uFEFFAd\uFEFFa', 'Ada'],
    ['a soft hyphen', 'Ad\u00ADa', 'Ada'],
    ['a lone high surrogate', 'Ad\uD83Da', 'Ada'],
    ['a lone low surrogate', 'Ad\uDE00a', 'Ada'],
    ['a low surrogate before its high one', 'A\uDE00\uD83Dda', 'Ada'],
    ['C0 and C1 controls', 'A\u0000d\u001Fa\u007F\u0080\u009F', 'Ada'],
  ])('removes %s', (_label, raw, expected) => {
    expect(nameOf(raw)).toBe(expected);
  });

  it('keeps a well-formed surrogate pair', () => {
    expect(nameOf('Ada \uD83D\uDE00')).toBe('Ada 😀');
  });

  it.each([
    ['tabs and newlines', 'Ada\t\tLove\r\nlace', 'Ada Love lace'],
    ['line and paragraph separators', 'Ada\u2028Love\u2029lace', 'Ada Love lace'],
    ['no-break and ideographic spaces', 'Ada\u00A0\u3000 Lovelace', 'Ada Lovelace'],
    ['space left where a format character was', 'Ada \u200B Lovelace', 'Ada Lovelace'],
    ['spaces around the name', '  \u200B Ada \uFEFF ', 'Ada'],
  ])('collapses whitespace: %s', (_label, raw, expected) => {
    expect(nameOf(raw)).toBe(expected);
  });

  it.each([
    ['only format characters', '\u202E\u200B\u200D\uFEFF\u2066'],
    ['only lone surrogates', '\uDFFF\uD800 \uDC00\uDBFF'],
    ['only controls and separators', '\u0007\n\u2028 \t'],
  ])('falls back to the user id for a name of %s', (_label, raw) => {
    expect(nameOf(raw)).toBe('user-1');
  });

  it('caps the length in code points after stripping', () => {
    const raw = `${'\u200B'.repeat(100)}${'😀'.repeat(70)}`;
    const name = nameOf(raw);
    expect(Array.from(name)).toHaveLength(MAX_DISPLAY_NAME);
    expect(name).toBe('😀'.repeat(64));
  });

  it('counts a name that fits only once stripped as fitting', () => {
    const raw = `\u200B\u200B\u200B${'a'.repeat(64)}`;
    expect(nameOf(raw)).toBe('a'.repeat(64));
  });

  it('leaves no space at the end where the cap falls on one', () => {
    expect(nameOf(`${'a'.repeat(63)} bcd`)).toBe('a'.repeat(63));
  });

  it('is stable: a cleaned name cleans to itself', () => {
    const once = toDisplayName(' \u202EAda\u2028 Love\uD800lace\u200B ', 'u');
    expect(once).toBe('Ada Lovelace');
    expect(toDisplayName(once, 'u')).toBe(once);
    expect(cleanDisplayName(once)).toBe(once);
  });

  it('leaves ordinary letters, marks and scripts alone', () => {
    expect(nameOf('Zoë Łukasz 李小龍 محمد')).toBe('Zoë Łukasz 李小龍 محمد');
  });
});

describe('the anonymous ?name= path', () => {
  it('cleans the requested name like any other', () => {
    expect(anonymousIdentity(ids('12345678'), '\u202Eevil\u200B one\uD800').displayName).toBe('evil one');
  });

  it('falls back to the made-up user id for a name of only invisible characters', () => {
    expect(anonymousIdentity(ids('12345678'), '\u200B\u202E\uFEFF').displayName).toBe('anon-12345678');
  });

  it('caps the requested name in code points', () => {
    expect(anonymousIdentity(ids('12345678'), 'é'.repeat(80)).displayName).toBe('é'.repeat(64));
  });
});

describe('the backend sender', () => {
  it('cleans a backend’s display name', () => {
    expect(backendSender('\u202ERelease\u200B  bot\u2028')).toEqual({
      userId: 'system',
      displayName: 'Release bot',
    });
  });

  it('refuses a name that is blank once cleaned', () => {
    expect(() => backendSender('\u200B\u202E\uD800')).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
  });

  it('measures the cap after cleaning, and refuses what is still too long', () => {
    expect(backendSender(`${'b'.repeat(64)}\u200B`).displayName).toBe('b'.repeat(64));
    expect(() => backendSender('b'.repeat(65))).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });

  it('speaks as "system" when no name is given, and refuses a name that is not text, naming the field', () => {
    expect(backendSender(undefined)).toEqual({ userId: 'system', displayName: 'system' });
    expect(() => backendSender(42)).toThrow(
      expect.objectContaining({ message: '"from" must be 1-64 characters', details: { field: 'from' } }),
    );
  });
});

describe('the text a backend sends', () => {
  it('must be a string with something in it, and the refusal names the field', () => {
    expect(backendText(' hi ')).toBe(' hi ');
    expect(() => backendText(7)).toThrow(
      expect.objectContaining({
        code: 'invalid_request',
        message: '"text" must be a string',
        details: { field: 'text' },
      }),
    );
    expect(() => backendText(' \n ')).toThrow(
      expect.objectContaining({
        code: 'invalid_request',
        message: '"text" must be non-empty',
        details: { field: 'text' },
      }),
    );
  });
});
