// End to end: the local stack can be reached from this machine only, and only by requests that name it.
// Every port it opens listens on loopback (read from the kernel's socket tables, and tried from each of the
// machine's other addresses); each HTTP surface refuses a foreign Host (DNS rebinding); the backend API
// takes writes as JSON only; the @connections endpoint delivers only calls signed with the stack's
// credentials.

import { describe, expect, it } from '@jest/globals';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/dynamodb-local.js';
import { useDevStack } from '../support/dev-stack-suite.js';
import { openClient, waitFor, type TestClient } from '../support/ws-client.js';

const clients: TestClient[] = [];
const stack = useDevStack(
  { env: { HANDSHAKE_GRACE_MS: '0' } },
  // This suite looks at DynamoDB Local's process: it needs an instance of its own.
  { beforeStop: () => clients.forEach((c) => c.ws.terminate()), ownDynamo: true },
);

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A raw HTTP request to 127.0.0.1, with whatever Host header the test chooses. */
function send(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: `localhost:${port}`, ...options.headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/** The answer to a WebSocket opening handshake that names `host`. */
function upgrade(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({
      host: '127.0.0.1',
      port,
      path,
      headers: {
        host,
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': Buffer.from('sixteen byte key').toString('base64'),
      },
    });
    outgoing.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    outgoing.on('upgrade', (_response, socket) => {
      socket.destroy();
      resolve(101);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

// ---- the kernel's view of listening sockets -------------------------------------------------------

interface ListeningSocket {
  readonly address: string;
  readonly port: number;
  readonly inode: string;
}

/** `0100007F` (IPv4, little-endian) or 32 hex digits (IPv6, four little-endian words) to text. */
function decodeAddress(hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  for (let word = 0; word < bytes.length; word += 4) bytes.subarray(word, word + 4).reverse();
  if (bytes.length === 4) return [...bytes].join('.');
  const mapped = bytes.subarray(0, 12).equals(Buffer.from('00000000000000000000ffff', 'hex'));
  if (mapped) return `::ffff:${[...bytes.subarray(12)].join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(':');
}

/** Every TCP socket in LISTEN state, from /proc/net/tcp and /proc/net/tcp6 (Linux). */
function listeningSockets(): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [address = '', port = ''] = (fields[1] ?? '').split(':');
      if (fields[3] !== '0A') continue; // TCP_LISTEN
      sockets.push({ address: decodeAddress(address), port: parseInt(port, 16), inode: fields[9] ?? '' });
    }
  }
  return sockets;
}

function isLoopback(address: string): boolean {
  return /^127\./.test(address) || /^::ffff:127\./.test(address) || address === '0:0:0:0:0:0:0:1';
}

/** The socket inodes a process holds open. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match !== null) inodes.add(match[1] as string);
    } catch {
      // closed between the listing and the read
    }
  }
  return inodes;
}

/** This machine's addresses other than loopback, link-local ones with their interface. */
function outsideAddresses(): string[] {
  return Object.entries(networkInterfaces()).flatMap(([name, addresses]) =>
    (addresses ?? [])
      .filter((address) => !address.internal)
      .map((address) =>
        address.family === 'IPv6' && address.address.startsWith('fe80:')
          ? `${address.address}%${name}`
          : address.address,
      ),
  );
}

function tryConnect(host: string, port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

function stackPorts(): Record<string, number> {
  const { gateway, web, sqs, dynamo } = stack();
  return {
    'WebSocket + @connections': gateway.port,
    'web + backend API': web.port,
    SQS: sqs.port,
    'DynamoDB Local': dynamo.port,
  };
}

// ---- signing @connections calls as the SDK does ---------------------------------------------------

async function signedPost(
  connectionId: string,
  data: string,
  options: {
    credentials?: { accessKeyId: string; secretAccessKey: string };
    signingDate?: Date;
    sentBody?: string;
  } = {},
): Promise<Reply> {
  const { gateway } = stack();
  const path = `/local/@connections/${encodeURIComponent(connectionId)}`;
  const signer = new SignatureV4({
    credentials: options.credentials ?? LOCAL_CREDENTIALS,
    region: LOCAL_REGION,
    service: 'execute-api',
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: 'localhost',
      port: gateway.port,
      path,
      headers: { host: `localhost:${gateway.port}`, 'content-type': 'application/octet-stream' },
      body: data,
    }),
    { signingDate: options.signingDate ?? new Date() },
  );
  return send(gateway.port, {
    method: 'POST',
    path,
    headers: signed.headers,
    body: options.sentBody ?? data,
  });
}

async function connectAs(user: string): Promise<{ client: TestClient; connectionId: string }> {
  // These clients receive markers the tests post through @connections, not roomcast frames: unchecked.
  const client = await openClient(`${stack().wsUrl}?token=${stack().tokenFor(user)}`, { unchecked: true });
  clients.push(client);
  client.send({ action: 'whoami', requestId: 'who' });
  const me = await client.next((frame) => frame['requestId'] === 'who');
  return { client, connectionId: me['connectionId'] as string };
}

/**
 * Frames a client receives arrive in the order they were posted: once `marker` (posted after every
 * refused call was answered) is there, anything refused that had slipped through would be there too.
 */
async function deliveredBeforeMarker(client: TestClient, connectionId: string): Promise<string[]> {
  const marker = `marker-${connectionId}`;
  expect((await signedPost(connectionId, marker)).status).toBe(200);
  await waitFor(() => client.raw.includes(marker));
  return client.raw.slice(0, client.raw.indexOf(marker));
}

describe('every port of the local stack listens on loopback only', () => {
  it('the kernel lists each port listening on 127.0.0.1 or ::1, and the JVM listens nowhere else', () => {
    const listening = listeningSockets();
    for (const [service, port] of Object.entries(stackPorts())) {
      const sockets = listening.filter((socket) => socket.port === port);
      expect({ service, listening: sockets.length > 0 }).toEqual({ service, listening: true });
      for (const socket of sockets)
        expect({ service, address: socket.address, loopback: isLoopback(socket.address) }).toEqual({
          service,
          address: socket.address,
          loopback: true,
        });
    }
    const jvm = socketInodes(stack().dynamo.pid);
    const jvmListening = listening.filter((socket) => jvm.has(socket.inode));
    expect(jvmListening.map((socket) => socket.port)).toContain(stack().dynamo.port);
    expect(jvmListening.filter((socket) => !isLoopback(socket.address))).toEqual([]);
  });

  it("refuses connections on the machine's other addresses and accepts them on 127.0.0.1", async () => {
    const outside = outsideAddresses();
    if (outside.length === 0) {
      // Nothing to try from: the kernel's table (the test above) is then the whole proof.
      process.stdout.write('no address other than loopback on this machine: connect attempts not made\n');
    }
    for (const [service, port] of Object.entries(stackPorts())) {
      expect({ service, result: await tryConnect('127.0.0.1', port) }).toEqual({
        service,
        result: 'connected',
      });
      for (const address of outside) {
        expect({ service, address, result: await tryConnect(address, port) }).toEqual({
          service,
          address,
          result: 'ECONNREFUSED',
        });
      }
    }
  });
});

describe('a request naming a host other than loopback is refused (DNS rebinding)', () => {
  it('by the web server: no dev token, no page, no config', async () => {
    const port = stack().web.port;
    const foreign = await send(port, {
      path: '/dev/token?user=alice',
      headers: { host: `evil.example:${port}` },
    });
    expect(foreign.status).toBe(421);
    expect(JSON.parse(foreign.body)).toEqual({
      error: { code: 'misdirected_request', message: expect.stringContaining('evil.example') },
    });
    expect(foreign.body).not.toContain('token":');
    expect((await send(port, { path: '/config.json', headers: { host: 'evil.example' } })).status).toBe(421);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'localhost']) {
      expect({
        host,
        status: (await send(port, { path: '/config.json', headers: { host } })).status,
      }).toEqual({
        host,
        status: 200,
      });
    }
    expect((await send(port, { path: '/config.json', headers: { host: 'localhost:1' } })).status).toBe(421);
  });

  it('by the backend API', async () => {
    const port = stack().web.port;
    const reply = await send(port, {
      method: 'POST',
      path: '/api/broadcast',
      headers: { host: `rebound.example:${port}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'rebound' }),
    });
    expect(reply.status).toBe(421);
  });

  it('by the WebSocket handshake, and the same handshake naming localhost is accepted', async () => {
    const { gateway } = stack();
    expect(await upgrade(gateway.port, '/local', `evil.example:${gateway.port}`)).toBe(421);
    expect(await upgrade(gateway.port, '/local', `localhost:${gateway.port}`)).not.toBe(421);
  });

  it('by the @connections endpoint, even for a correctly signed call, which is never delivered', async () => {
    const { client, connectionId } = await connectAs('rebinding-target');
    const port = stack().gateway.port;
    const reply = await send(port, {
      method: 'POST',
      path: `/local/@connections/${encodeURIComponent(connectionId)}`,
      headers: { host: `evil.example:${port}` },
      body: 'rebound frame',
    });
    expect(reply.status).toBe(421);
    expect(await deliveredBeforeMarker(client, connectionId)).not.toContain('rebound frame');
  });

  it('by the local SQS server and by DynamoDB Local', async () => {
    const { sqs, dynamo } = stack();
    const sqsReply = await send(sqs.port, {
      method: 'POST',
      path: '/',
      headers: {
        host: `evil.example:${sqs.port}`,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AmazonSQS.ListQueues',
      },
      body: '{}',
    });
    expect(sqsReply.status).toBe(421);
    const listTables = {
      method: 'POST',
      path: '/',
      body: '{}',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization: `AWS4-HMAC-SHA256 Credential=local/20260101/${LOCAL_REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
      },
    };
    const foreign = await send(dynamo.port, {
      ...listTables,
      headers: { ...listTables.headers, host: `evil.example:${dynamo.port}` },
    });
    expect(foreign.status).toBe(421);
    expect(foreign.body).not.toContain('TableNames');
    const local = await send(dynamo.port, listTables);
    expect(local.status).toBe(200);
    expect(local.body).toContain('TableNames');
  });
});

describe('the backend API takes writes as JSON only', () => {
  it('refuses a text/plain POST (what a cross-site form or no-cors fetch sends) with 415, publishing nothing', async () => {
    const { client } = await connectAs('csrf-watcher');
    const port = stack().web.port;
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
      const reply = await send(port, {
        method: 'POST',
        path: '/api/broadcast',
        headers:
          contentType === undefined ? {} : { 'content-type': contentType, origin: 'https://evil.example' },
        body: JSON.stringify({ text: 'forged notice' }),
      });
      expect({ contentType, status: reply.status }).toEqual({ contentType, status: 415 });
      expect(JSON.parse(reply.body)).toEqual({
        error: { code: 'unsupported_media_type', message: expect.stringContaining('application/json') },
      });
    }
    const genuine = await send(port, {
      method: 'POST',
      path: '/api/broadcast',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ text: 'genuine notice' }),
    });
    expect(genuine.status).toBeLessThan(300);
    await waitFor(() => client.raw.some((frame) => frame.includes('genuine notice')));
    expect(client.raw.some((frame) => frame.includes('forged notice'))).toBe(false);
  });
});

describe('the @connections endpoint delivers only calls signed with the stack credentials', () => {
  it('answers an unsigned call as API Gateway does, and delivers nothing', async () => {
    const { client, connectionId } = await connectAs('unsigned-target');
    const port = stack().gateway.port;
    const reply = await send(port, {
      method: 'POST',
      path: `/local/@connections/${encodeURIComponent(connectionId)}`,
      body: 'unsigned frame',
    });
    expect(reply.status).toBe(403);
    expect(reply.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    expect(JSON.parse(reply.body)).toEqual({ message: 'Missing Authentication Token' });
    expect(await deliveredBeforeMarker(client, connectionId)).not.toContain('unsigned frame');
  });

  it('refuses a wrong secret, an unknown key, a stale signature, and a body other than the one signed', async () => {
    const { client, connectionId } = await connectAs('forgery-target');
    const cases = [
      {
        name: 'wrong secret',
        reply: await signedPost(connectionId, 'forged: wrong secret', {
          credentials: { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: 'guessed' },
        }),
        type: 'InvalidSignatureException',
      },
      {
        name: 'unknown key',
        reply: await signedPost(connectionId, 'forged: unknown key', {
          credentials: { accessKeyId: 'AKIDSOMEONEELSE', secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey },
        }),
        type: 'UnrecognizedClientException',
      },
      {
        name: 'stale',
        reply: await signedPost(connectionId, 'forged: stale', {
          signingDate: new Date(Date.now() - 10 * 60_000),
        }),
        type: 'InvalidSignatureException',
      },
      {
        name: 'body swapped',
        reply: await signedPost(connectionId, 'the signed body', { sentBody: 'forged: swapped body' }),
        type: 'InvalidSignatureException',
      },
    ];
    for (const { name, reply, type } of cases) {
      expect({ name, status: reply.status, type: reply.headers['x-amzn-errortype'] }).toEqual({
        name,
        status: 403,
        type,
      });
    }
    const delivered = await deliveredBeforeMarker(client, connectionId);
    expect(delivered.filter((frame) => frame.startsWith('forged') || frame === 'the signed body')).toEqual(
      [],
    );
  });

  it('refuses a signed call replayed to another connection', async () => {
    const { client, connectionId } = await connectAs('replay-target');
    const { gateway } = stack();
    const signer = new SignatureV4({
      credentials: LOCAL_CREDENTIALS,
      region: LOCAL_REGION,
      service: 'execute-api',
      sha256: Hash.bind(null, 'sha256'),
    });
    const signed = await signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: 'http:',
        hostname: 'localhost',
        port: gateway.port,
        path: '/local/@connections/SomeoneElse0001=',
        headers: { host: `localhost:${gateway.port}` },
        body: 'replayed frame',
      }),
    );
    const reply = await send(gateway.port, {
      method: 'POST',
      path: `/local/@connections/${encodeURIComponent(connectionId)}`,
      headers: signed.headers,
      body: 'replayed frame',
    });
    expect(reply.status).toBe(403);
    expect(await deliveredBeforeMarker(client, connectionId)).not.toContain('replayed frame');
  });
});
