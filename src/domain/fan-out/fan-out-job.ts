// Domain model of the sharded fan-out: a job names one shard of recipients and the event to give them.
// The sending invocation enqueues jobs; `fanout` workers run them (see deliver-shard.ts).

import type { ConnectionId } from '../model/connection.js';
import { isValidRoomName, type RoomName } from '../model/room.js';
import type { ServerEvent } from '../protocol/server-events.js';

/** One disjoint slice of the recipients, listed by a worker with its own Query stream. */
export type FanOutShard =
  | {
      readonly kind: 'room';
      readonly room: RoomName;
      readonly bucket: number;
      /** A connection that must not receive the event (already served by the sender's invocation). */
      readonly except?: ConnectionId;
    }
  | { readonly kind: 'everyone'; readonly partition: number }
  /** Named recipients an inline fan-out left when it ran out of time (at most `MAX_LISTED_RECIPIENTS`). */
  | { readonly kind: 'connections'; readonly connectionIds: readonly ConnectionId[] };

/**
 * The most connections one `connections` job names: 2,000 ids of API Gateway's 16 characters (quoted,
 * with commas) take about 40 KB, well inside the 256 KB of an SQS message beside a 32 KB event.
 */
export const MAX_LISTED_RECIPIENTS = 2_000;

export interface FanOutJob {
  readonly shard: FanOutShard;
  readonly event: ServerEvent;
  /** Where a previous job of the same shard stopped (it had served its share); absent at the start. */
  readonly cursor?: string;
}

/** The jobs that serve these recipients, each naming at most `MAX_LISTED_RECIPIENTS` of them. */
export function listedJobs(connectionIds: readonly ConnectionId[], event: ServerEvent): FanOutJob[] {
  const jobs: FanOutJob[] = [];
  for (let start = 0; start < connectionIds.length; start += MAX_LISTED_RECIPIENTS) {
    const slice = connectionIds.slice(start, start + MAX_LISTED_RECIPIENTS);
    jobs.push({ shard: { kind: 'connections', connectionIds: slice }, event });
  }
  return jobs;
}

/** Names a shard in logs and reports: `room:<name>#<bucket>`, `everyone#<partition>` or `connections(<n>)`. */
export function shardLabel(shard: FanOutShard): string {
  if (shard.kind === 'room') return `room:${shard.room}#${shard.bucket}`;
  if (shard.kind === 'everyone') return `everyone#${shard.partition}`;
  return `connections(${shard.connectionIds.length})`;
}

export class MalformedJobError extends Error {
  override readonly name = 'MalformedJobError';
}

/**
 * Reads a job back from its queue body. Jobs come from our own senders, but a queue is an outside
 * input: anything else is refused with a reason, so it ends in the dead-letter queue, not in a crash.
 */
export function parseFanOutJob(body: string): FanOutJob {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new MalformedJobError('job body is not JSON');
  }
  if (!isRecord(value)) throw new MalformedJobError('job is not an object');
  const { shard, event, cursor } = value;
  if (!isRecord(shard)) throw new MalformedJobError('job has no shard');
  if (!isRecord(event) || typeof event['type'] !== 'string') throw new MalformedJobError('job has no event');
  if (cursor !== undefined && typeof cursor !== 'string')
    throw new MalformedJobError('cursor is not a string');
  const parsedShard = parseShard(shard);
  const job = { shard: parsedShard, event: event as unknown as ServerEvent };
  return cursor === undefined ? job : { ...job, cursor };
}

function parseShard(shard: Record<string, unknown>): FanOutShard {
  if (shard['kind'] === 'everyone') {
    const partition = shard['partition'];
    if (!isIndex(partition)) throw new MalformedJobError('partition is not a whole number');
    return { kind: 'everyone', partition };
  }
  if (shard['kind'] === 'connections') {
    const ids = shard['connectionIds'];
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_LISTED_RECIPIENTS) {
      throw new MalformedJobError(`connectionIds is not a list of 1 to ${MAX_LISTED_RECIPIENTS}`);
    }
    if (!ids.every((id) => typeof id === 'string' && id !== ''))
      throw new MalformedJobError('a connection id is not a string');
    return { kind: 'connections', connectionIds: ids as string[] };
  }
  if (shard['kind'] !== 'room') throw new MalformedJobError('unknown shard kind');
  const { room, bucket, except } = shard;
  if (typeof room !== 'string' || !isValidRoomName(room)) throw new MalformedJobError('invalid room');
  if (!isIndex(bucket)) throw new MalformedJobError('bucket is not a whole number');
  if (except !== undefined && typeof except !== 'string')
    throw new MalformedJobError('except is not a string');
  return except === undefined ? { kind: 'room', room, bucket } : { kind: 'room', room, bucket, except };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
