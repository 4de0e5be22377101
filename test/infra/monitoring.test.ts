// Infra: the monitoring module (module.monitoring) and the queue alarms in the plans of the stacks: an
// errors and a throttles alarm per function, integration errors and 5xx of both APIs, the table's
// throttled requests, the fan-out metrics the functions publish (under the names src/ gives them), the
// dead-letter depth and oldest-job age, the alarm topic, and the dashboard's widgets.

import { expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAKE_API_ID, FAKE_HTTP_API_ID, type Planned } from './support/plan.js';
import { get } from './support/resources.js';
import {
  inExistingProdStack,
  inExistingProdStackWithOptions,
  OPTIONS,
  PROD_PREFIX,
} from './support/stacks.js';
import { terraformSuite } from './support/suite.js';
import { REPOSITORY_ROOT } from './support/workspace.js';

const MONITORING = 'module.monitoring';
const QUEUES = 'module.queues["fanout"]';

/** Every TypeScript source under src/, read once: what the functions really publish and call. */
function sourceFiles(dir = join(REPOSITORY_ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [readFileSync(join(dir, entry.name), 'utf8')]
        : [],
  );
}
const SOURCES = sourceFiles().join('\n');

/** The metric names the functions publish: every addMetric('<name>', ...) of src/. */
const PUBLISHED_METRICS = new Set(
  [...SOURCES.matchAll(/addMetric\(\s*'([A-Za-z]+)'/g)].map((match) => match[1]),
);

/** DynamoDB operations the functions call: each document-client command class used in src/. */
const COMMAND_OPERATIONS: Record<string, string> = {
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  QueryCommand: 'Query',
  ScanCommand: 'Scan',
  BatchGetCommand: 'BatchGetItem',
  BatchWriteCommand: 'BatchWriteItem',
  TransactWriteCommand: 'TransactWriteItems',
  TransactGetCommand: 'TransactGetItems',
};
const CALLED_OPERATIONS = new Set(
  [...SOURCES.matchAll(/new (\w+Command)\(/g)]
    .map((match) => COMMAND_OPERATIONS[match[1] ?? ''])
    .filter((operation): operation is string => operation !== undefined),
);

interface DashboardWidget {
  readonly type: string;
  readonly properties: { title: string; region: string; stat: string; metrics: unknown[][] };
}

const alarmsOf = (plan: { resources(type: string): Planned[] }) =>
  new Map(
    plan
      .resources('aws_cloudwatch_metric_alarm')
      .map((alarm) => [String(alarm.after['alarm_name']), alarm] as const),
  );

terraformSuite('alarms and the dashboard (module.monitoring)', () => {
  inExistingProdStack((existing, prefix, { region }) => {
    const alarms = () => alarmsOf(existing.plan);
    const functions = () => Object.keys(existing.tf.routeTable.functions);

    it('alarms on the errors and the throttles of every function', () => {
      for (const name of functions()) {
        for (const [suffix, metric, window] of [
          ['errors', 'Errors', [5, 3]],
          ['throttles', 'Throttles', [1, 1]],
        ] as const) {
          const alarm = get(alarms(), `${prefix}-${name}-${suffix}`);
          expect([alarm.address, alarm.after]).toEqual([
            alarm.address,
            expect.objectContaining({
              namespace: 'AWS/Lambda',
              metric_name: metric,
              dimensions: { FunctionName: `${prefix}-${name}` },
              statistic: 'Sum',
              period: 60,
              evaluation_periods: window[0],
              datapoints_to_alarm: window[1],
              comparison_operator: 'GreaterThanThreshold',
              threshold: 0,
              treat_missing_data: 'notBreaching',
            }),
          ]);
        }
      }
    });

    it('alarms on integration and execution errors of the WebSocket API and on 5xx of the backend API, on their stages', () => {
      const expected = [
        ['websocket-integration-errors', 'IntegrationError', { ApiId: FAKE_API_ID, Stage: 'prod' }],
        ['websocket-execution-errors', 'ExecutionError', { ApiId: FAKE_API_ID, Stage: 'prod' }],
        ['backend-api-5xx', '5xx', { ApiId: FAKE_HTTP_API_ID, Stage: '$default' }],
      ] as const;
      for (const [suffix, metric, dimensions] of expected) {
        expect(get(alarms(), `${prefix}-${suffix}`).after).toMatchObject({
          namespace: 'AWS/ApiGateway',
          metric_name: metric,
          dimensions,
          statistic: 'Sum',
          threshold: 0,
          evaluation_periods: 5,
          datapoints_to_alarm: 3,
        });
      }
    });

    it("alarms on the table's throttled requests, summed over every operation the functions call", () => {
      const alarm = get(alarms(), `${prefix}-table-throttled-requests`);
      const queries = alarm.after['metric_query'] as {
        id: string;
        expression: string;
        return_data: boolean;
        metric: {
          namespace: string;
          metric_name: string;
          dimensions: Record<string, string>;
          stat: string;
        }[];
      }[];
      const metrics = queries.filter((query) => query.metric.length === 1);
      const [sum, ...others] = queries.filter((query) => query.expression !== '');
      expect(others).toEqual([]);
      expect(sum?.return_data).toBe(true);
      expect(sum?.expression).toBe(`SUM([${metrics.map((query) => query.id).join(', ')}])`);
      const operations = metrics.map((query) => {
        expect(query.metric[0]).toMatchObject({
          namespace: 'AWS/DynamoDB',
          metric_name: 'ThrottledRequests',
          stat: 'Sum',
        });
        expect(query.metric[0]?.dimensions['TableName']).toBe(prefix);
        return query.metric[0]?.dimensions['Operation'];
      });
      expect(CALLED_OPERATIONS.size).toBeGreaterThan(0);
      expect(operations).toEqual(expect.arrayContaining([...CALLED_OPERATIONS]));
      expect(alarm.after).toMatchObject({ threshold: 0, comparison_operator: 'GreaterThanThreshold' });
    });

    it('alarms on the fan-out metrics the functions publish, under their namespace and service', () => {
      const custom = [...alarms().values()].filter((alarm) => alarm.after['namespace'] === 'roomcast');
      const windows = Object.fromEntries(
        custom.map((alarm) => [
          alarm.after['metric_name'],
          [alarm.after['period'], alarm.after['evaluation_periods'], alarm.after['datapoints_to_alarm']],
        ]),
      );
      // Any in five minutes for what a retry may still mend, any in a minute for what nothing will.
      expect(windows).toEqual({
        DeliveriesFailed: [300, 1, 1],
        FanOutJobsFailed: [300, 1, 1],
        FanOutIncomplete: [60, 1, 1],
        ErrorsAfterAnswer: [60, 1, 1],
        FanOutJobsMalformed: [60, 1, 1],
      });
      for (const alarm of custom) {
        // A metric renamed in src/ would leave its alarm watching nothing.
        expect([
          alarm.after['metric_name'],
          PUBLISHED_METRICS.has(String(alarm.after['metric_name'])),
        ]).toEqual([alarm.after['metric_name'], true]);
        expect(alarm.after['dimensions']).toEqual({ service: PROD_PREFIX });
      }
      // The namespace and service the functions are configured with.
      const message = get(existing.plan.perFunction('aws_lambda_function'), 'message');
      const environment = (message.after['environment'] as { variables: Record<string, string> }[])[0]
        ?.variables;
      expect(environment?.['POWERTOOLS_METRICS_NAMESPACE']).toBe('roomcast');
      expect(environment?.['POWERTOOLS_SERVICE_NAME']).toBe(PROD_PREFIX);
    });

    it("alarms on the fan-out queue's dead letters and on the age of its oldest job", () => {
      expect(get(alarms(), `${prefix}-fanout-dlq-messages`).after).toMatchObject({
        namespace: 'AWS/SQS',
        metric_name: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: `${prefix}-fanout-dlq` },
      });
      expect(get(alarms(), `${prefix}-fanout-oldest-message-age`).after).toMatchObject({
        namespace: 'AWS/SQS',
        metric_name: 'ApproximateAgeOfOldestMessage',
        dimensions: { QueueName: `${prefix}-fanout` },
      });
    });

    it('has no other alarm, and no alarm notifies anyone without alarm_topic_arn', () => {
      const expected = [
        ...functions().flatMap((name) => [`${prefix}-${name}-errors`, `${prefix}-${name}-throttles`]),
        ...['websocket-integration-errors', 'websocket-execution-errors', 'backend-api-5xx'],
        ...['deliveries-failed', 'fan-outs-incomplete', 'errors-after-answer'],
        ...['fan-out-jobs-failed', 'fan-out-jobs-malformed', 'table-throttled-requests'],
        ...['fanout-dlq-messages', 'fanout-oldest-message-age'],
      ].map((name) => (name.startsWith(`${prefix}-`) ? name : `${prefix}-${name}`));
      expect([...alarms().keys()].sort()).toEqual(expected.sort());
      for (const alarm of alarms().values()) {
        // An empty set plans as null: either way, nobody is notified.
        expect([alarm.address, alarm.after['alarm_actions'] ?? [], alarm.after['ok_actions'] ?? []]).toEqual([
          alarm.address,
          [],
          [],
        ]);
        expect(alarm.module === MONITORING || alarm.module === QUEUES).toBe(true);
      }
    });

    it('draws one dashboard: connections, messages in and out, deliveries, gone, p99 durations, throttles', () => {
      const [dashboard, ...more] = existing.plan.resources('aws_cloudwatch_dashboard');
      expect(more).toEqual([]);
      expect(dashboard?.after['dashboard_name']).toBe(prefix);
      const widgets = (
        JSON.parse(String(dashboard?.after['dashboard_body'])) as { widgets: DashboardWidget[] }
      ).widgets;
      const byTitle = new Map(widgets.map((widget) => [widget.properties.title, widget.properties]));
      const metricsOf = (title: string) => get(byTitle, title).metrics.map((line) => `${line[0]}/${line[1]}`);
      for (const widget of widgets) expect(widget.properties.region).toBe(region);

      expect(metricsOf('Connections')).toEqual(['AWS/ApiGateway/ConnectCount']);
      expect(get(byTitle, 'Connections').metrics[0]).toEqual(
        expect.arrayContaining(['ApiId', FAKE_API_ID, 'Stage', 'prod']),
      );
      expect(metricsOf('Messages in and out')).toEqual(
        expect.arrayContaining(['AWS/ApiGateway/MessageCount', 'roomcast/DeliveriesSucceeded']),
      );
      expect(metricsOf('Deliveries')).toEqual(
        expect.arrayContaining(['roomcast/DeliveriesSucceeded', 'roomcast/DeliveriesFailed']),
      );
      expect(metricsOf('Gone connections')).toEqual(['roomcast/DeliveriesGone']);
      expect(get(byTitle, 'p99 duration (ms)').stat).toBe('p99');
      expect(
        get(byTitle, 'p99 duration (ms)')
          .metrics.map((line) => line[3])
          .sort(),
      ).toEqual(
        functions()
          .map((name) => `${prefix}-${name}`)
          .sort(),
      );
      expect(metricsOf('Throttles')).toEqual(
        expect.arrayContaining(['AWS/Lambda/Throttles', 'AWS/DynamoDB/ThrottledRequests']),
      );
      expect(metricsOf('Throttles').filter((metric) => metric === 'AWS/Lambda/Throttles')).toHaveLength(
        functions().length,
      );
      // Every metric of the functions' own namespace on the dashboard is one they publish.
      for (const widget of widgets) {
        for (const line of widget.properties.metrics) {
          if (line[0] === 'roomcast')
            expect([line[1], PUBLISHED_METRICS.has(String(line[1]))]).toEqual([line[1], true]);
        }
      }
    });
  });

  inExistingProdStackWithOptions((keyed) => {
    it('sends every alarm, and its recovery, to alarm_topic_arn', () => {
      const alarms = [...alarmsOf(keyed.plan).values()];
      expect(alarms.length).toBeGreaterThan(Object.keys(keyed.tf.routeTable.functions).length * 2);
      for (const alarm of alarms) {
        expect([alarm.address, alarm.after['alarm_actions'], alarm.after['ok_actions']]).toEqual([
          alarm.address,
          [OPTIONS.topicArn],
          [OPTIONS.topicArn],
        ]);
      }
    });
  });
});
