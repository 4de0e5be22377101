// `make dev`: starts the local stack, prints how to connect, logs each request readably, reloads the
// handlers when their sources change (HOT_RELOAD=0 turns it off), and stops everything (Java included)
// on Ctrl-C.

import { startDevStack } from './dev-stack.js';
import type { RequestLogEntry } from './emulator/websocket-gateway.js';
import { GenerationBuildError } from './hot-reload/handler-generation.js';
import type { ReloadEvent } from './hot-reload/handler-hot-reload.js';

function port(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) {
    console.error(`${name} must be a port number, got "${value}"`);
    process.exit(2);
  }
  return parsed;
}

const colors = process.stdout.isTTY
  ? { dim: '\x1b[2m', red: '\x1b[31m', reset: '\x1b[0m' }
  : { dim: '', red: '', reset: '' };

function printRequest(entry: RequestLogEntry): void {
  const time = clockTime();
  const failed = typeof entry.status === 'string' || entry.status >= 400;
  const status = `${failed ? colors.red : ''}${entry.status}${failed ? colors.reset : ''}`;
  const detail = entry.detail ? ` ${colors.dim}(${entry.detail})${colors.reset}` : '';
  console.log(
    `${colors.dim}${time}${colors.reset} ${entry.kind.padEnd(10)} ${entry.route.padEnd(18)} ${(entry.connectionId ?? '-').padEnd(16)} ${status} ${entry.ms}ms${detail}`,
  );
}

function clockTime(): string {
  return new Date().toISOString().slice(11, 23);
}

function printReload(event: ReloadEvent): void {
  const what = `(${event.changed.join(', ')} changed)`;
  if (event.kind === 'reloaded') {
    console.log(`${colors.dim}${clockTime()}${colors.reset} reloaded handlers in ${event.ms} ms ${what}`);
  } else {
    console.log(
      `${colors.dim}${clockTime()}${colors.reset} ${colors.red}reload failed${colors.reset} ${what}; the previous handlers keep serving:\n${event.error}`,
    );
  }
}

const anonymous = process.env['AUTH_MODE'] === 'anonymous';
const hotReload = process.env['HOT_RELOAD'] !== '0';
const stack = await startDevStack({
  wsPort: port('WS_PORT', 3001),
  webPort: port('WEB_PORT', 3000),
  anonymous,
  log: printRequest,
  ...(hotReload ? { hotReload: { onReload: printReload } } : {}),
  ...(process.env['DATA_DIR'] ? { dataDir: process.env['DATA_DIR'] } : {}),
  ...(process.env['LOG_LEVEL'] ? { handlerLogLevel: process.env['LOG_LEVEL'] } : {}),
}).catch((error: unknown) => {
  // Sources that do not compile at start: esbuild's errors say where, a stack trace would not.
  if (!(error instanceof GenerationBuildError)) throw error;
  console.error(`The handlers do not build:\n${error.message}`);
  process.exit(1);
});

const token = stack.tokenFor('alice', 'Alice');
console.log(`
roomcast local stack is up
  WebSocket        ${stack.wsUrl}   (also ws://localhost:${stack.gateway.port}/)
  @connections     ${stack.managementEndpoint}/@connections/{connectionId}
  web              ${stack.web.url}
  backend API      ${stack.apiUrl}   (POST /rooms/{room}/messages, GET /rooms/{room}/members, ...; JSON bodies, no IAM locally)
  dev tokens       ${stack.web.url}/dev/token?user=<id>&name=<display name>
  DynamoDB Local   ${stack.dynamo.endpoint}   table ${stack.tableName}${process.env['DATA_DIR'] ? ` (data in ${process.env['DATA_DIR']})` : ' (in memory)'}
  fan-out queue    ${stack.sqs.queueUrl}   (SQS at ${stack.sqs.endpoint}; dead letters: ${stack.sqs.deadLetterQueueUrl})
  auth             ${anonymous ? 'anonymous (AUTH_MODE=anonymous)' : 'JWT signed by the local dev key'}
  hot reload       ${hotReload ? 'on: saving a handler source under src/ reloads the handlers, connections and data stay (HOT_RELOAD=0: off)' : 'off (HOT_RELOAD=0)'}
  reachable        from this machine only: every port listens on 127.0.0.1 and answers Host localhost,
                   127.0.0.1 or [::1]; @connections calls must be signed with the dev credentials (local/local)

Connect:
  npx wscat -c "${stack.wsUrl}${anonymous ? '?name=Alice' : `?token=${token}`}"
then send: {"action":"sendMessage","data":"hello world"}

Ctrl-C stops everything.
`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping...`);
  await stack.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
