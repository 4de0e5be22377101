// Lambda entry for the `fanout` worker, triggered by the fan-out queue: each record is one shard job
// (deliver-shard.ts) or one message's reaction summary, due once its gathering window has passed. Failures are reported per record (ReportBatchItemFailures), never by failing the
// batch: SQS redelivers just those jobs after the visibility timeout, and after maxReceiveCount receives
// moves them to the dead-letter queue.

import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  isReactionSummaryJob,
  MalformedJobError,
  parseWorkerJob,
  shardLabel,
  type WorkerJob,
} from '../../domain/index.js';
import { appServices } from '../composition-root.js';
import { ConfigError } from '../config.js';
import { logger, metrics, publishMetrics } from '../runtime/powertools.js';
import { traceInvocations } from '../runtime/tracing.js';

const processor = new BatchProcessor(EventType.SQS);

async function runJob(record: SQSRecord): Promise<void> {
  const { config, chatFor } = appServices();
  const endpoint = config.managementEndpoint;
  if (endpoint === undefined) {
    throw new ConfigError(
      'Missing environment variable MANAGEMENT_ENDPOINT (the WebSocket stage to push to)',
    );
  }
  const chat = chatFor(endpoint);
  const deliverShard = chat.deliverShard;
  if (deliverShard === undefined) {
    throw new ConfigError('Missing environment variable FAN_OUT_QUEUE_URL (where follow-up jobs go)');
  }
  const receives = Number(record.attributes.ApproximateReceiveCount);
  let job: WorkerJob;
  try {
    job = parseWorkerJob(record.body);
  } catch (error) {
    // Retrying cannot mend it: it fails until the queue moves it to the dead-letter queue.
    metrics.addMetric('FanOutJobsMalformed', MetricUnit.Count, 1);
    logger.error('fan-out job refused', { messageId: record.messageId, receives, error });
    throw error instanceof MalformedJobError ? error : new MalformedJobError(String(error));
  }
  if (isReactionSummaryJob(job)) {
    // A lost summary only delays the next one (the window reopens once stale): failing lets SQS retry it.
    const report = await chat.reactionSummary.execute(job);
    metrics.addMetric('ReactionSummaries', MetricUnit.Count, 1);
    if (report !== undefined) metrics.addMetric('FanOutJobDeliveries', MetricUnit.Count, report.delivered);
    return;
  }
  try {
    const { report, followUp } = await deliverShard.execute(job);
    metrics.addMetric('FanOutJobDeliveries', MetricUnit.Count, report.delivered);
    if (followUp !== undefined) metrics.addMetric('FanOutFollowUpJobs', MetricUnit.Count, 1);
    if (receives > 1) metrics.addMetric('FanOutJobsRedelivered', MetricUnit.Count, 1);
  } catch (error) {
    metrics.addMetric('FanOutJobsFailed', MetricUnit.Count, 1);
    logger.error('fan-out job failed; the queue will retry it', {
      shard: shardLabel(job.shard),
      messageId: record.messageId,
      receives,
      error,
    });
    throw error;
  }
}

export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(traceInvocations())
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishMetrics())
  .handler((event, context) =>
    processPartialResponse(event, runJob, processor, { context, throwOnFullBatchFailure: false }),
  );
