// Local stack: the Host check every local HTTP surface makes before anything else. The servers listen on
// loopback only; this check stops a page that rebinds its own domain name to 127.0.0.1 (DNS rebinding),
// whose requests arrive from loopback too but name the page's host.

import type { IncomingMessage, ServerResponse } from 'node:http';

/** The names the local stack answers to, each alone or with the port the request came in on. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** True when `host` (a Host header) names loopback, bare or with `port`. */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const named = host.toLowerCase();
  return LOOPBACK_HOSTS.some((name) => named === name || named === `${name}:${port}`);
}

/** The port a request arrived on: the one its Host header may carry. */
export function arrivalPort(request: IncomingMessage): number {
  return request.socket.localPort ?? -1;
}

/** True when the request's Host header names loopback with no port or the port it arrived on. */
export function hasLoopbackHost(request: IncomingMessage): boolean {
  return isLoopbackHost(request.headers.host, arrivalPort(request));
}

export function foreignHostMessage(host: string | undefined): string {
  return (
    `Host ${JSON.stringify(host ?? '')} is not served here: the local stack answers to ` +
    `${LOOPBACK_HOSTS.join(', ')} only`
  );
}

/** 421 Misdirected Request in the backend API's error shape. */
export function refuseForeignHost(request: IncomingMessage, response: ServerResponse): void {
  request.resume();
  response.writeHead(421, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(
    JSON.stringify({
      error: { code: 'misdirected_request', message: foreignHostMessage(request.headers.host) },
    }),
  );
}

/** The same refusal as raw HTTP, for a WebSocket upgrade that never becomes a response object. */
export function foreignHostUpgradeRefusal(host: string | undefined): string {
  const body = JSON.stringify({ message: foreignHostMessage(host) });
  return (
    'HTTP/1.1 421 Misdirected Request\r\nContent-Type: application/json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}
