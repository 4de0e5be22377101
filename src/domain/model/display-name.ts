// Domain model: the one cleaning every display name goes through (an issuer's name claim, an anonymous
// `?name=`, a backend's `from`) before anyone else is shown it.

/** Longest display name, in code points, so one emoji counts as one. */
export const MAX_DISPLAY_NAME = 64;

/**
 * A UTF-16 half without its partner. Without the `u` flag a regex sees code units, which is the only way
 * to match these: with `u`, `\p{...}` never matches a lone surrogate.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Characters that end a word or a line: kept apart as a space, so "Ada\tLovelace" stays two words. */
const BREAKING = /[\t\n\v\f\r\u0085\p{Zl}\p{Zp}]/gu;
/**
 * Invisible characters: the remaining controls (Cc) and every format character (Cf), which includes the
 * bidi embeddings, overrides and isolates that reorder what follows, zero-width spaces and joiners and
 * the byte-order mark. Left in, they let one name look like another or garble the text around it.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;
const WHITESPACE_RUN = /\s+/gu;

/**
 * The name as it may be shown: invisible characters and lone surrogates removed, every run of whitespace
 * made one space, trimmed. Not cut to length: callers decide whether too long is cut or refused.
 */
export function cleanDisplayName(raw: string): string {
  return raw
    .replace(LONE_SURROGATE, '')
    .replace(BREAKING, ' ')
    .replace(INVISIBLE, '')
    .replace(WHITESPACE_RUN, ' ')
    .trim();
}

/** Length in code points, the unit of MAX_DISPLAY_NAME. */
export function codePointLength(text: string): number {
  return Array.from(text).length;
}

/**
 * A display name from anything a caller handed over: cleaned, then cut to MAX_DISPLAY_NAME code points
 * (a cut may leave a space at the end, so it is trimmed again). A name with nothing left, or no name,
 * becomes `fallback`.
 */
export function toDisplayName(raw: unknown, fallback: string): string {
  const name = typeof raw === 'string' ? cleanDisplayName(raw) : '';
  if (name === '') return fallback;
  return Array.from(name).slice(0, MAX_DISPLAY_NAME).join('').trimEnd();
}
