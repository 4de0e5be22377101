// Local stack: API Gateway's @connections management API over HTTP, as the AWS SDK v3 client calls it.
// The emulator serves it next to the WebSocket endpoint, with the signature check; tests serve it alone
// on loopback.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the management API needs from whatever holds the WebSocket connections. */
export interface ConnectionDirectory {
  /** Sends a text frame. `throttled`: the client's buffer is full (API Gateway answers 429). */
  send(connectionId: string, data: Buffer): 'sent' | 'gone' | 'throttled';
  /** Closes the connection (then `$disconnect` runs). False when there is no such connection. */
  close(connectionId: string): boolean;
  info(connectionId: string): ConnectionInfo | undefined;
}

export interface ConnectionInfo {
  readonly connectedAt: number;
  readonly lastActiveAt: number;
  readonly sourceIp: string;
  readonly userAgent?: string;
}

/** Why a call is refused before it reaches the directory (API Gateway's IAM check, say). */
export interface CallRefusal {
  readonly status: number;
  /** `x-amzn-ErrorType`, which the SDK turns into the error's name. */
  readonly errorType: string;
  readonly message: string;
}

/** Decides whether a caller may use the API at all; absent, every call is admitted (tests' own servers). */
export interface CallAuthenticator {
  /** From the headers alone, before the body is read. */
  presence(request: IncomingMessage): CallRefusal | undefined;
  /** With the body as received: the one the directory would be handed. */
  verify(request: IncomingMessage, body: Buffer): Promise<CallRefusal | undefined>;
}

/** The @connections API refuses payloads over 128 KiB. */
export const MAX_POST_BYTES = 131_072;

/** Connection ids as API Gateway makes them are URL-safe base64; anything else is a bad request. */
const CONNECTION_ID = /^[A-Za-z0-9_=-]{1,128}$/;

/**
 * Matches `/{stage}/@connections/{id}` and `/@connections/{id}` (the SDK builds either, depending on
 * whether its endpoint includes the stage), with `@` possibly sent as `%40` and `//` after a trailing slash.
 */
export function matchConnectionsPath(pathname: string, stage: string): string | undefined {
  const parts = pathname.split('/').filter((part) => part !== '');
  const decoded = parts.map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  });
  const at = decoded[0] === stage ? 1 : 0;
  if (decoded[at] !== '@connections' || decoded.length !== at + 2) return undefined;
  return decoded[at + 1];
}

/**
 * Handles a request if it is for the @connections API; returns false otherwise so the caller can
 * serve something else on the same port.
 */
export function handleManagementRequest(
  request: IncomingMessage,
  response: ServerResponse,
  options: { directory: ConnectionDirectory; stage: string; authenticator?: CallAuthenticator },
): boolean {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const connectionId = matchConnectionsPath(url.pathname, options.stage);
  if (connectionId === undefined) return false;
  void serve(request, response, connectionId, options.directory, options.authenticator).catch(
    (error: unknown) => {
      if (!response.headersSent) sendError(response, 500, 'InternalServerErrorException', String(error));
    },
  );
  return true;
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  connectionId: string,
  directory: ConnectionDirectory,
  authenticator: CallAuthenticator | undefined,
): Promise<void> {
  const unsigned = authenticator?.presence(request);
  if (unsigned !== undefined) {
    request.resume();
    sendError(response, unsigned.status, unsigned.errorType, unsigned.message);
    return;
  }
  // Read whole (it is bounded) for every method: a signature covers the body, whatever the method.
  const body = await readBody(request, MAX_POST_BYTES);
  if (body === 'too-large') {
    sendError(response, 413, 'PayloadTooLargeException', 'Message too long');
    return;
  }
  const refused = await authenticator?.verify(request, body);
  if (refused !== undefined) {
    sendError(response, refused.status, refused.errorType, refused.message);
    return;
  }
  if (!CONNECTION_ID.test(connectionId)) {
    sendError(response, 400, 'BadRequestException', 'Invalid connectionId: ' + connectionId);
    return;
  }
  switch (request.method) {
    case 'POST': {
      const outcome = directory.send(connectionId, body);
      if (outcome === 'gone') sendGone(response);
      else if (outcome === 'throttled') sendError(response, 429, 'LimitExceededException', 'Rate exceeded');
      else send(response, 200);
      return;
    }
    case 'GET': {
      const info = directory.info(connectionId);
      if (info === undefined) return sendGone(response);
      send(
        response,
        200,
        JSON.stringify({
          connectedAt: new Date(info.connectedAt).toISOString(),
          identity: { sourceIp: info.sourceIp, userAgent: info.userAgent ?? null },
          lastActiveAt: new Date(info.lastActiveAt).toISOString(),
        }),
      );
      return;
    }
    case 'DELETE':
      if (directory.close(connectionId)) send(response, 204);
      else sendGone(response);
      return;
    default:
      sendError(response, 403, 'ForbiddenException', 'Forbidden');
  }
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body?: string): void {
  response.writeHead(status, {
    'x-amzn-RequestId': randomUUID(),
    // Left out, not undefined: Node refuses a header whose value is undefined.
    ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
  });
  response.end(body);
}

/** The SDK maps errors by `x-amzn-ErrorType`; a bare status would surface as an `Unknown` error. */
function sendError(response: ServerResponse, status: number, type: string, message: string | null): void {
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'x-amzn-ErrorType': type,
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(JSON.stringify({ message }));
}

function sendGone(response: ServerResponse): void {
  sendError(response, 410, 'GoneException', null);
}
