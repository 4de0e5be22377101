// Driven adapter support: DynamoDB's LastEvaluatedKey as the opaque cursor the domain passes back.

import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';

type Key = Record<string, NativeAttributeValue>;

export function encodeCursor(key: Key | undefined): string | undefined {
  return key === undefined ? undefined : Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Refuses anything but a key of string parts, so a forged cursor cannot smuggle other values into a Query. */
export function decodeCursor(cursor: string | undefined): Key | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new RangeError('malformed cursor');
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((value) => typeof value === 'string')
  ) {
    throw new RangeError('malformed cursor');
  }
  return parsed as Key;
}
