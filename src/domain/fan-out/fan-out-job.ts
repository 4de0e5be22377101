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
  | { readonly kind: 'everyone'; readonly partition: number };

export interface FanOutJob {
  readonly shard: FanOutShard;
  readonly event: ServerEvent;
  /** Where a previous job of the same shard stopped (it had served its share); absent at the start. */
  readonly cursor?: string;
}

/** Names a shard in logs and reports: `room:<name>#<bucket>` or `everyone#<partition>`. */
export function shardLabel(shard: FanOutShard): string {
  return shard.kind === 'room' ? `room:${shard.room}#${shard.bucket}` : `everyone#${shard.partition}`;
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
