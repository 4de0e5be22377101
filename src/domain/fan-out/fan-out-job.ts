// Domain model of the sharded fan-out: a job names one shard of recipients and the event to give them.
// The sending invocation enqueues jobs; `fanout` workers run them (see deliver-shard.ts).

import type { ConnectionId } from '../model/connection.js';
import { isValidUserId } from '../model/identity.js';
import { directConversation, roomConversation, type Conversation } from '../model/message.js';
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

/**
 * A job to send one message's reaction summary once its gathering window has passed (enqueued with a
 * delay by the first reaction change of the window; see react-to-message.ts).
 */
export interface ReactionSummaryJob {
  readonly reactionSummary: { readonly conversation: Conversation; readonly seq: number };
}

/** Anything a `fanout` worker is handed. */
export type WorkerJob = FanOutJob | ReactionSummaryJob;

export function isReactionSummaryJob(job: WorkerJob): job is ReactionSummaryJob {
  return 'reactionSummary' in job;
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
  const job = parseWorkerJob(body);
  if (isReactionSummaryJob(job)) throw new MalformedJobError('job is not a fan-out job');
  return job;
}

/** Reads any worker job back from its queue body: a shard job or a reaction summary job. */
export function parseWorkerJob(body: string): WorkerJob {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new MalformedJobError('job body is not JSON');
  }
  if (!isRecord(value)) throw new MalformedJobError('job is not an object');
  if ('reactionSummary' in value) return { reactionSummary: parseSummaryTarget(value['reactionSummary']) };
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

function parseSummaryTarget(value: unknown): ReactionSummaryJob['reactionSummary'] {
  if (!isRecord(value)) throw new MalformedJobError('reactionSummary is not an object');
  const { conversation, seq } = value;
  if (!isIndex(seq) || seq < 1) throw new MalformedJobError('seq is not a positive whole number');
  if (!isRecord(conversation)) throw new MalformedJobError('job has no conversation');
  if (conversation['kind'] === 'room') {
    const room = conversation['room'];
    if (typeof room !== 'string' || !isValidRoomName(room)) throw new MalformedJobError('invalid room');
    return { conversation: roomConversation(room), seq };
  }
  const users = conversation['users'];
  if (conversation['kind'] !== 'direct' || !Array.isArray(users) || users.length !== 2) {
    throw new MalformedJobError('unknown conversation kind');
  }
  const [a, b] = users as unknown[];
  if (!isValidUserId(a) || !isValidUserId(b)) throw new MalformedJobError('invalid user id');
  return { conversation: directConversation(a, b), seq };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
