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

/** A position in a key space split over numbered partitions (gsi2 shards, room buckets). */
export interface PartitionedPosition {
  readonly partition: number;
  readonly key?: Key;
}

/** The cursor carries the partition as a key part, so the one cursor codec validates it. */
export function encodePosition(position: PartitionedPosition): string {
  return encodeCursor({ partition: String(position.partition), ...(position.key ?? {}) }) as string;
}

/** Refuses a partition outside 0 to `partitions` - 1, as well as anything `decodeCursor` refuses. */
export function decodePosition(
  cursor: string | undefined,
  partitions: number,
  start = 0,
): PartitionedPosition {
  const decoded = decodeCursor(cursor);
  if (decoded === undefined) return { partition: start };
  const { partition, ...key } = decoded;
  const number = Number(partition);
  if (!Number.isInteger(number) || number < 0 || number >= partitions)
    throw new RangeError('malformed cursor');
  return Object.keys(key).length === 0 ? { partition: number } : { partition: number, key };
}

/** Refuses a partition number outside 0 to `partitions` - 1 (a caller asking for one shard). */
export function checkPartition(partition: number | undefined, partitions: number, what: string): void {
  if (partition !== undefined && !(Number.isInteger(partition) && partition >= 0 && partition < partitions)) {
    throw new RangeError(`${what} must be 0 to ${partitions - 1}`);
  }
}

/**
 * Where the next page starts: after the last key, within the same partition; then, for a walk over every
 * partition, at the start of the next one; after the last, nowhere.
 */
export function nextPosition(
  position: PartitionedPosition,
  lastKey: Key | undefined,
  walk: { readonly partitions: number } | undefined,
): PartitionedPosition | undefined {
  if (lastKey !== undefined) return { partition: position.partition, key: lastKey };
  if (walk !== undefined && position.partition + 1 < walk.partitions)
    return { partition: position.partition + 1 };
  return undefined;
}

type Item = Record<string, NativeAttributeValue>;

/**
 * Reads every item of a Query, page after page, until DynamoDB returns no LastEvaluatedKey. `run` builds
 * the Query for each page (starting after `startKey`), so a value it reads, such as the clock, is read
 * again for each page.
 */
export async function queryAll(
  run: (
    startKey: Key | undefined,
  ) => Promise<{ Items?: Item[] | undefined; LastEvaluatedKey?: Key | undefined }>,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Key | undefined;
  do {
    const page = await run(startKey);
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

export interface LookAheadPage {
  /** The page's items that pass `keep`, in key order. */
  readonly items: Item[];
  /** The key to continue after, or undefined when the range holds nothing more. */
  readonly lastKey: Key | undefined;
  /** The item at the head of the range that `leading` picked out, when asked for and present. */
  readonly leading?: Item;
}

/**
 * Reads one page of `limit` items with a Query that asks for one item more. DynamoDB returns a
 * LastEvaluatedKey whenever it stops at the Limit, even when nothing follows, so a range holding an exact
 * multiple of the page size would cost one more Query that comes back empty; the extra item tells whether
 * another page exists. Filtering happens here rather than in a FilterExpression (which DynamoDB applies
 * after the Limit, costing the same reads) so that the key of the page's last item is always known.
 */
export async function queryWithLookAhead(
  run: (limit: number) => Promise<{ Items?: Item[] | undefined; LastEvaluatedKey?: Key | undefined }>,
  options: {
    limit: number;
    keyAttributes: readonly string[];
    keep: (item: Item) => boolean;
    /**
     * Recognises an item that may head the range without being part of the page (a room's shape item
     * before its members): one more item is asked for, and that one counts toward nothing.
     */
    leading?: (item: Item) => boolean;
  },
): Promise<LookAheadPage> {
  const extra = options.leading === undefined ? 0 : 1;
  const result = await run(options.limit + 1 + extra);
  let read = result.Items ?? [];
  const head = read[0];
  const leading = head !== undefined && options.leading?.(head) === true ? head : undefined;
  if (leading !== undefined) read = read.slice(1);
  const withLeading = (page: Omit<LookAheadPage, 'leading'>): LookAheadPage =>
    leading === undefined ? page : { ...page, leading };
  if (read.length <= options.limit) {
    // Either the range ended (no LastEvaluatedKey) or DynamoDB stopped at its 1 MB page size before
    // the Limit: then its LastEvaluatedKey is where the next page starts.
    return withLeading({ items: read.filter(options.keep), lastKey: result.LastEvaluatedKey });
  }
  const page = read.slice(0, options.limit);
  const last = page[page.length - 1] as Item;
  const lastKey = Object.fromEntries(options.keyAttributes.map((name) => [name, last[name]]));
  return withLeading({ items: page.filter(options.keep), lastKey });
}
