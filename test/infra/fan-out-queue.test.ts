// Infra: the fan-out queue (module.queues) and its worker in the plans of the stacks: both queues
// encrypted, the redrive to the dead-letter queue, a visibility timeout sized from the worker's timeout,
// the event source mapping, the SQS grants and environment the route table's `sqs` actions call for,
// the alarms, the outputs, and the maximum concurrency it refuses.

import { expect, it } from '@jest/globals';
import {
  asList,
  block,
  environmentOf,
  get,
  queueSenders,
  statementsOf,
  type Statement,
} from './support/resources.js';
import {
  inExistingProdStack,
  inExistingProdStackWithOptions,
  inNewProdStack,
  OPTIONS,
  type PlannedStack,
} from './support/stacks.js';
import { PLAN_TIMEOUT, terraformSuite } from './support/suite.js';

const QUEUE = 'fanout';
const QUEUES = `module.queues["${QUEUE}"]`;
const KEY_ARN = OPTIONS.queueKeyArn;
const TOPIC_ARN = OPTIONS.topicArn;
const CONSUME_ACTIONS = ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'];

const statementsOfFunction = (stack: PlannedStack, name: string): Statement[] => {
  const policy = get(stack.plan.perFunction('aws_iam_role_policy'), name);
  return statementsOf(policy.after['policy'], policy.address);
};

const grantsOf = (statements: readonly Statement[], service: string): Statement[] =>
  statements.filter((statement) =>
    asList(statement.Action).some((action) => action.startsWith(`${service}:`)),
  );

terraformSuite('the fan-out queue (module.queues) and its worker', () => {
  inNewProdStack((stack, prefix) => {
    const spec = () => get(new Map(Object.entries(stack.tf.routeTable.queues)), QUEUE);

    it('creates one queue and one dead-letter queue per queue of the route table, both encrypted with SQS-managed keys', () => {
      const queues = stack.plan.resources('aws_sqs_queue');
      expect(queues.map((queue) => queue.address).sort()).toEqual(
        Object.keys(stack.tf.routeTable.queues)
          .flatMap((name) => [
            `module.queues["${name}"].aws_sqs_queue.dead_letter`,
            `module.queues["${name}"].aws_sqs_queue.this`,
          ])
          .sort(),
      );
      const queue = stack.plan.resource(`${QUEUES}.aws_sqs_queue.this`);
      const deadLetter = stack.plan.resource(`${QUEUES}.aws_sqs_queue.dead_letter`);
      expect(queue.after).toMatchObject({ name: `${prefix}-fanout`, fifo_queue: false });
      expect(deadLetter.after).toMatchObject({
        name: `${prefix}-fanout-dlq`,
        fifo_queue: false,
        message_retention_seconds: 14 * 24 * 3600,
      });
      for (const planned of [queue, deadLetter]) {
        expect([planned.address, planned.after['sqs_managed_sse_enabled']]).toEqual([planned.address, true]);
        expect([planned.address, planned.after['kms_master_key_id']]).toEqual([planned.address, null]);
      }
      // A standard queue's message expires by when it was first sent, in the dead-letter queue too.
      expect(Number(queue.after['message_retention_seconds'])).toBeLessThan(
        Number(deadLetter.after['message_retention_seconds']),
      );
    });

    it("hides a received job for at least six times the worker's timeout, which fanout_timeout_seconds sets", () => {
      const functions = stack.plan.perFunction('aws_lambda_function');
      const worker = get(functions, spec().function);
      expect(worker.after['timeout']).toBe(stack.plan.variable('fanout_timeout_seconds'));
      expect(get(functions, 'message').after['timeout']).toBe(
        stack.plan.variable('function_timeout_seconds'),
      );
      const visibility = Number(
        stack.plan.resource(`${QUEUES}.aws_sqs_queue.this`).after['visibility_timeout_seconds'],
      );
      expect(visibility).toBeGreaterThanOrEqual(6 * Number(worker.after['timeout']));
      expect(visibility).toBeLessThanOrEqual(12 * 3600);
    });

    it('feeds the worker through an event source mapping with partial batch responses, the route table batch size and maximum concurrency, and no batching window', () => {
      const mappings = stack.plan.resources('aws_lambda_event_source_mapping');
      expect(mappings.map((mapping) => mapping.address)).toEqual([
        `module.functions["${spec().function}"].aws_lambda_event_source_mapping.this["${QUEUE}"]`,
      ]);
      const [mapping] = mappings;
      if (!mapping) throw new Error('no event source mapping');
      expect(mapping.after).toMatchObject({
        enabled: true,
        batch_size: spec().batchSize,
        maximum_batching_window_in_seconds: 0,
        function_response_types: ['ReportBatchItemFailures'],
      });
      expect(block(mapping, 'scaling_config')).toEqual({ maximum_concurrency: spec().maximumConcurrency });
    });

    it('gives the worker no route and no invoke permission: only its queue calls it', () => {
      const worker = spec().function;
      const routes = { ...stack.tf.routeTable.routes, ...stack.tf.routeTable.httpRoutes };
      expect(Object.values(routes)).not.toContain(worker);
      const invokers = stack.plan
        .resources('aws_lambda_permission')
        .map((permission) => String(permission.after['function_name']));
      expect(invokers.length).toBeGreaterThan(0);
      expect(invokers).not.toContain(`${prefix}-${worker}`);
    });

    it('alarms on any dead letter and on jobs waiting longer than the threshold, with no actions when no topic is given', () => {
      // The other alarms are module.monitoring's (monitoring.test.ts).
      const alarms = stack.plan
        .resources('aws_cloudwatch_metric_alarm')
        .filter((alarm) => alarm.module === QUEUES);
      expect(alarms.map((alarm) => alarm.address).sort()).toEqual([
        `${QUEUES}.aws_cloudwatch_metric_alarm.dead_letters`,
        `${QUEUES}.aws_cloudwatch_metric_alarm.oldest_message_age`,
      ]);
      expect(stack.plan.resource(`${QUEUES}.aws_cloudwatch_metric_alarm.dead_letters`).after).toMatchObject({
        namespace: 'AWS/SQS',
        metric_name: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: `${prefix}-fanout-dlq` },
        comparison_operator: 'GreaterThanThreshold',
        threshold: 0,
      });
      expect(
        stack.plan.resource(`${QUEUES}.aws_cloudwatch_metric_alarm.oldest_message_age`).after,
      ).toMatchObject({
        namespace: 'AWS/SQS',
        metric_name: 'ApproximateAgeOfOldestMessage',
        dimensions: { QueueName: `${prefix}-fanout` },
        comparison_operator: 'GreaterThanThreshold',
        threshold: stack.plan.variable('queue_age_alarm_seconds'),
      });
      expect(stack.plan.variable('queue_age_alarm_seconds')).toBe(60);
      // The provider shows an empty set of actions as null.
      for (const alarm of alarms) {
        expect([alarm.address, alarm.after['alarm_actions'] ?? [], alarm.after['ok_actions'] ?? []]).toEqual([
          alarm.address,
          [],
          [],
        ]);
      }
    });

    it(
      'refuses a maximum concurrency an SQS event source mapping does not accept (1 or 1001)',
      async () => {
        // Independent plans, each refused before anything is created: run side by side.
        const refusals = await Promise.all(
          [1, 1001].map((value) =>
            stack.tf.refusal('examples/prod.tfvars', [`-var=fanout_maximum_concurrency=${value}`]),
          ),
        );
        for (const refusal of refusals) {
          expect(refusal).toMatch(/fanout_maximum_concurrency is a whole number from 2 to 1000/);
        }
      },
      PLAN_TIMEOUT,
    );
  });

  inExistingProdStack((existing, prefix, known) => {
    const { fanOutQueueArn, fanOutQueueUrl, deadLetterQueueArn, deadLetterQueueUrl } = known;
    const worker = () => get(new Map(Object.entries(existing.tf.routeTable.queues)), QUEUE).function;

    it("moves a job to the dead-letter queue after the route table's maxReceiveCount receives, and lets only the queue redrive into it", () => {
      const queue = existing.plan.resource(`${QUEUES}.aws_sqs_queue.this`);
      expect(JSON.parse(String(queue.after['redrive_policy']))).toEqual({
        deadLetterTargetArn: deadLetterQueueArn,
        maxReceiveCount: existing.tf.routeTable.queues[QUEUE]?.maxReceiveCount,
      });
      const allow = existing.plan.resource(`${QUEUES}.aws_sqs_queue_redrive_allow_policy.dead_letter`);
      expect(allow.after['queue_url']).toBe(deadLetterQueueUrl);
      expect(JSON.parse(String(allow.after['redrive_allow_policy']))).toEqual({
        redrivePermission: 'byQueue',
        sourceQueueArns: [fanOutQueueArn],
      });
      const mapping = existing.plan.resource(
        `module.functions["${worker()}"].aws_lambda_event_source_mapping.this["${QUEUE}"]`,
      );
      expect(mapping.after['event_source_arn']).toBe(fanOutQueueArn);
      expect(String(mapping.after['function_name'])).toMatch(
        new RegExp(`:function:${prefix}-${worker()}:live$`),
      );
    });

    it('lets the worker receive, delete and read the attributes of its queue and send follow-up jobs to it, and nothing more on SQS', () => {
      const sqs = grantsOf(statementsOfFunction(existing, worker()), 'sqs');
      expect(
        sqs.map((statement) => [asList(statement.Action).sort(), asList(statement.Resource)]).sort(),
      ).toEqual(
        [
          [CONSUME_ACTIONS, [fanOutQueueArn]],
          [['sqs:SendMessage'], [fanOutQueueArn]],
        ].sort(),
      );
    });

    it('lets each function with `sqs` actions in the route table send to the queue, exactly those actions, and every other function nothing on SQS or KMS', () => {
      const senders = queueSenders(existing.tf.routeTable);
      expect([...senders].sort()).toEqual([
        'apiBroadcast',
        'apiDeleteRoomMessage',
        'apiEditRoomMessage',
        'apiPublishToRoom',
        'connect',
        'disconnect',
        'fanout',
        'message',
      ]);
      for (const [name, spec] of Object.entries(existing.tf.routeTable.functions)) {
        const statements = statementsOfFunction(existing, name);
        expect([name, grantsOf(statements, 'kms')]).toEqual([name, []]);
        const sends = grantsOf(statements, 'sqs').filter(
          (statement) => !asList(statement.Action).includes('sqs:ReceiveMessage'),
        );
        if (!senders.has(name)) {
          expect([name, grantsOf(statements, 'sqs')]).toEqual([name, []]);
          continue;
        }
        expect([name, sends]).toEqual([
          name,
          [
            {
              Sid: 'SendToQueue',
              Effect: 'Allow',
              Action: (spec.sqs ?? []).map((action) => `sqs:${action}`).sort(),
              Resource: [fanOutQueueArn],
            },
          ],
        ]);
        for (const statement of grantsOf(statements, 'sqs')) {
          expect([name, asList(statement.Action).filter((action) => action.includes('*'))]).toEqual([
            name,
            [],
          ]);
          expect([name, asList(statement.Resource)]).toEqual([name, [fanOutQueueArn]]);
        }
      }
    });

    it('tells exactly the functions with `sqs` actions the queue URL, and the worker the @connections endpoint', () => {
      const senders = queueSenders(existing.tf.routeTable);
      const functions = existing.plan.perFunction('aws_lambda_function');
      for (const [name, fn] of functions) {
        const environment = environmentOf(fn);
        expect([name, environment['FAN_OUT_QUEUE_URL']]).toEqual([
          name,
          senders.has(name) ? fanOutQueueUrl : undefined,
        ]);
      }
      expect(environmentOf(get(functions, worker()))['MANAGEMENT_ENDPOINT']).toBe(known.managementEndpoint);
    });

    it('outputs the URL and ARN of the queue and of its dead-letter queue', () => {
      expect(existing.plan.output('fan_out_queue_url')).toBe(fanOutQueueUrl);
      expect(existing.plan.output('fan_out_queue_arn')).toBe(fanOutQueueArn);
      expect(existing.plan.output('fan_out_dead_letter_queue_url')).toBe(deadLetterQueueUrl);
      expect(existing.plan.output('fan_out_dead_letter_queue_arn')).toBe(deadLetterQueueArn);
    });
  });

  inExistingProdStackWithOptions((keyed) => {
    it('encrypts both queues with the customer key instead, changing them in place', () => {
      for (const name of ['this', 'dead_letter']) {
        const queue = keyed.plan.resource(`${QUEUES}.aws_sqs_queue.${name}`);
        expect([queue.address, queue.actions, queue.after['kms_master_key_id']]).toEqual([
          queue.address,
          ['update'],
          KEY_ARN,
        ]);
      }
    });

    it('lets the senders make data keys with it and the senders and the worker decrypt with it, on that key only', () => {
      const senders = queueSenders(keyed.tf.routeTable);
      for (const name of Object.keys(keyed.tf.routeTable.functions)) {
        // The table's own key is table.test.ts's.
        const kms = grantsOf(statementsOfFunction(keyed, name), 'kms').filter((statement) =>
          asList(statement.Resource).includes(KEY_ARN),
        );
        expect([name, kms]).toEqual([
          name,
          senders.has(name)
            ? [
                {
                  Sid: 'UseQueueKey',
                  Effect: 'Allow',
                  Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
                  Resource: [KEY_ARN],
                },
              ]
            : [],
        ]);
      }
    });

    it('sends both alarms, and their recovery, to the topic', () => {
      const alarms = keyed.plan
        .resources('aws_cloudwatch_metric_alarm')
        .filter((alarm) => alarm.module === QUEUES);
      for (const alarm of alarms) {
        expect([alarm.address, alarm.after['alarm_actions'], alarm.after['ok_actions']]).toEqual([
          alarm.address,
          [TOPIC_ARN],
          [TOPIC_ARN],
        ]);
      }
      expect(alarms).toHaveLength(2);
    });
  });
});
