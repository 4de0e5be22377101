// Use case of the `fanout` worker: delivers one shard job. It lists its shard with its own Query stream,
// delivers through the same pool, notifier and janitor as an inline fan-out, and after serving its share
// (`deliveriesPerJob`) hands the rest of the shard to a follow-up job, so no invocation outgrows its timeout.
// queue --> fanout worker --> deliverShard --> memberships / connections, notifier, queue (follow-up)

import type { ConnectionId } from '../model/connection.js';
import type { ConnectionRegistryPort } from '../ports/connection-registry.port.js';
import type { FanOutQueuePort } from '../ports/fan-out-queue.port.js';
import type { RoomMembershipPort } from '../ports/room-membership.port.js';
import { deliverToEach, type DeliveryPoolDeps } from './delivery-pool.js';
import { shardLabel, type FanOutJob } from './fan-out-job.js';
import type { FanOutReport } from './fan-out.port.js';

export interface DeliverShardDeps extends DeliveryPoolDeps {
  readonly memberships: RoomMembershipPort;
  readonly connections: ConnectionRegistryPort;
  readonly queue: FanOutQueuePort;
  readonly pageSize: number;
  /** Recipients one job serves before the rest of its shard goes to a follow-up job. */
  readonly deliveriesPerJob: number;
}

export interface ShardResult {
  readonly report: FanOutReport;
  /** The follow-up job enqueued for the rest of the shard, if any. */
  readonly followUp?: FanOutJob;
}

interface Page {
  readonly recipients: readonly ConnectionId[];
  readonly cursor?: string;
}

export class DeliverShard {
  constructor(private readonly deps: DeliverShardDeps) {}

  /**
   * Throws when the shard cannot be listed at all or its follow-up cannot be enqueued: the queue then
   * retries the job (deliveries made before the throw may be repeated; clients drop repeats by `seq`).
   */
  async execute(job: FanOutJob): Promise<ShardResult> {
    const target = shardLabel(job.shard);
    const position: { cursor?: string; listed: number } =
      job.cursor === undefined ? { listed: 0 } : { cursor: job.cursor, listed: 0 };
    const recipients = this.recipients(job, position);
    const report = await deliverToEach(this.deps, target, recipients, job.event);
    if (!report.complete) throw new Error(`could not list shard ${target}`);
    if (position.cursor === undefined) return { report };
    const followUp: FanOutJob = { ...job, cursor: position.cursor };
    await this.deps.queue.enqueue([followUp]);
    return { report, followUp };
  }

  /** Streams whole pages until the job has served its share; `position` ends where the next job starts. */
  private async *recipients(
    job: FanOutJob,
    position: { cursor?: string; listed: number },
  ): AsyncGenerator<ConnectionId> {
    do {
      const page = await this.page(job, position.cursor);
      if (page.cursor === undefined) delete position.cursor;
      else position.cursor = page.cursor;
      position.listed += page.recipients.length;
      yield* page.recipients;
    } while (position.cursor !== undefined && position.listed < this.deps.deliveriesPerJob);
  }

  private async page(job: FanOutJob, cursor: string | undefined): Promise<Page> {
    const { shard } = job;
    const limit = this.deps.pageSize;
    // A listed shard is one page: it was cut to fit one job when it was made.
    if (shard.kind === 'connections') return { recipients: shard.connectionIds };
    if (shard.kind === 'everyone') {
      const page = await this.deps.connections.connectionsPage({
        limit,
        partition: shard.partition,
        cursor,
      });
      const recipients = page.connections.map((connection) => connection.connectionId);
      return page.cursor === undefined ? { recipients } : { recipients, cursor: page.cursor };
    }
    const page = await this.deps.memberships.membersPage(shard.room, {
      limit,
      bucket: shard.bucket,
      cursor,
    });
    const recipients = page.members
      .map((member) => member.connectionId)
      .filter((connectionId) => connectionId !== shard.except);
    return page.cursor === undefined ? { recipients } : { recipients, cursor: page.cursor };
  }
}
