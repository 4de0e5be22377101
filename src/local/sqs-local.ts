// Local stack: an SQS-compatible server in process (the npm package `local-aws-sqs`, which speaks SQS's
// JSON and Query protocols) on a loopback port, answering only requests that name a loopback host, with
// the fan-out queue and its dead-letter queue created as Terraform creates them: a redrive policy that
// moves a job there after `maxReceiveCount` receives.

import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSqsServer } from 'local-aws-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local.js';
import { hasLoopbackHost, refuseForeignHost } from './loopback-host.js';

export interface LocalQueueSettings {
  /** Seconds a received job stays invisible; Lambda needs at least six times the worker's timeout. */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a job moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
}

export const LOCAL_QUEUE_SETTINGS: LocalQueueSettings = { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 };

export interface SqsLocal {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  /** A client for this server, with dummy credentials. */
  readonly client: SQSClient;
  /** Stops the server; safe to call twice. */
  stop(): Promise<void>;
}

export interface SqsLocalOptions extends Partial<LocalQueueSettings> {
  /** Port to listen on; a free one is picked when absent (or 0). */
  readonly port?: number;
  /** Queue name; the dead-letter queue is `<name>-dlq`. */
  readonly queueName?: string;
}

export async function startSqsLocal(options: SqsLocalOptions = {}): Promise<SqsLocal> {
  const settings: LocalQueueSettings = {
    visibilityTimeoutSeconds:
      options.visibilityTimeoutSeconds ?? LOCAL_QUEUE_SETTINGS.visibilityTimeoutSeconds,
    maxReceiveCount: options.maxReceiveCount ?? LOCAL_QUEUE_SETTINGS.maxReceiveCount,
  };
  const server: Server = await createSqsServer({
    port: options.port ?? 0,
    // Loopback only: nothing else on the network may read or forge jobs.
    hostname: '127.0.0.1',
    region: LOCAL_REGION,
    // A restarted stack recreates its queues at once; AWS's 60 s wait would only slow tests.
    emulateQueueCreationLifecycle: false,
  });
  admitLoopbackHostsOnly(server);
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new SQSClient({ region: LOCAL_REGION, endpoint, credentials: LOCAL_CREDENTIALS });
  const name = options.queueName ?? 'roomcast-fanout';
  const deadLetter = await client.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const deadLetterArn = await queueArnOf(client, deadLetter.QueueUrl as string);
  const queue = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: deadLetterArn,
          maxReceiveCount: settings.maxReceiveCount,
        }),
      },
    }),
  );
  const queueUrl = queue.QueueUrl as string;
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    port,
    queueUrl,
    queueArn: await queueArnOf(client, queueUrl),
    deadLetterQueueUrl: deadLetter.QueueUrl as string,
    client,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        client.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return stopped;
    },
  };
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Puts the Host check in front of the package's own request handling. It signs nothing and checks no
 * signature, so a page rebound to 127.0.0.1 could otherwise read and forge jobs.
 */
function admitLoopbackHostsOnly(server: Server): void {
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!hasLoopbackHost(request)) return refuseForeignHost(request, response);
    for (const listener of listeners) listener.call(server, request, response);
  });
}

async function queueArnOf(client: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return Attributes?.['QueueArn'] as string;
}
