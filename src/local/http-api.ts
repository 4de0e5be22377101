// Local stack: the backend HTTP API served under `/api/` on the web port, invoking the same handlers
// as AWS with payload-format-2.0 events. No IAM locally: the web server listens on loopback and refuses
// foreign Host names, and writes must be JSON, which a page on another origin cannot send without a CORS
// preflight this API never grants.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LambdaHandler } from './emulator/gateway-config.js';
import { httpApiEvent } from './emulator/http-events.js';
import { lambdaContext, type ApiFacts } from './emulator/lambda-events.js';
import { realScheduler, type Scheduler } from './emulator/scheduler.js';

interface CompiledRoute {
  readonly routeKey: string;
  readonly method: string;
  readonly pattern: RegExp;
  readonly parameters: readonly string[];
  readonly functionName: string;
}

function compile(routeKey: string, functionName: string): CompiledRoute {
  const [method = '', path = ''] = routeKey.split(' ');
  const parameters: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const parameter = /^\{(\w+)\}$/.exec(segment);
      if (parameter === null) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      parameters.push(parameter[1] as string);
      return '([^/]+)';
    })
    .join('/');
  return { routeKey, method, pattern: new RegExp(`^${source}$`), parameters, functionName };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A write carrying a body that is not declared JSON: what an HTML form or a no-cors fetch sends. */
function isNonJsonWrite(request: IncomingMessage, method: string): boolean {
  const length = Number(request.headers['content-length'] ?? 0);
  const hasBody = length > 0 || request.headers['transfer-encoding'] !== undefined;
  if (!WRITE_METHODS.has(method) || !hasBody) return false;
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  return mediaType !== 'application/json';
}

export interface LocalHttpApiOptions {
  readonly routes: Readonly<Record<string, string>>;
  readonly functions: Readonly<Record<string, LambdaHandler>>;
  /** Path prefix the API is served under, e.g. `/api`. */
  readonly prefix: string;
  readonly log?: (line: { route: string; status: number; ms: number }) => void;
  /** Time for event timestamps, the Lambda context and the log; the real clock when absent. */
  readonly clock?: Pick<Scheduler, 'now'>;
}

/** Returns a request handler that serves the API's routes and answers false for any other path. */
export function localHttpApi(options: LocalHttpApiOptions) {
  const clock = options.clock ?? realScheduler;
  const compiled = Object.entries(options.routes).map(([key, name]) => compile(key, name));
  const api: ApiFacts = {
    apiId: 'local00http',
    stage: '$default',
    domainName: 'localhost',
    region: 'us-east-1',
    accountId: '000000000000',
  };

  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== options.prefix && !url.pathname.startsWith(`${options.prefix}/`)) return false;
    const startedAt = clock.now();
    const path = url.pathname.slice(options.prefix.length) || '/';
    const method = request.method ?? 'GET';
    let matched: { route: CompiledRoute; values: string[] } | undefined;
    for (const route of compiled) {
      const match = route.pattern.exec(path);
      if (match !== null && route.method === method) {
        matched = { route, values: match.slice(1) };
        break;
      }
    }
    if (matched === undefined) {
      request.resume();
      response.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"Not Found"}');
      return true;
    }
    const { route, values } = matched;
    if (isNonJsonWrite(request, method)) {
      request.resume();
      response.writeHead(415, { 'Content-Type': 'application/json' }).end(
        JSON.stringify({
          error: {
            code: 'unsupported_media_type',
            message: 'Requests with a body must send it as Content-Type: application/json',
          },
        }),
      );
      options.log?.({ route: route.routeKey, status: 415, ms: clock.now() - startedAt });
      return true;
    }
    const body = await readBody(request);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(',') : (value ?? ''),
      ]),
    );
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams)
      query[name] = name in query ? `${query[name]},${value}` : value;
    const event = httpApiEvent(
      api,
      {
        routeKey: route.routeKey,
        method,
        path,
        rawQueryString: url.search.slice(1),
        headers,
        query,
        pathParameters: Object.fromEntries(
          route.parameters.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]),
        ),
        ...(body === '' ? {} : { body }),
        sourceIp: (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      },
      clock.now(),
    );
    const handler = options.functions[route.functionName] as LambdaHandler;
    let status = 500;
    try {
      const result = (await handler(
        event as never,
        lambdaContext(route.functionName, api, 30_000, clock),
      )) as {
        statusCode?: number;
        headers?: Record<string, string>;
        body?: string;
      };
      status = result?.statusCode ?? 200;
      response.writeHead(status, result?.headers ?? {});
      response.end(result?.body);
    } catch {
      response
        .writeHead(500, { 'Content-Type': 'application/json' })
        .end('{"message":"Internal Server Error"}');
    }
    options.log?.({ route: route.routeKey, status, ms: clock.now() - startedAt });
    return true;
  };
}
