// `roomcast tail <room>`: the CLI as a child process following a room of the local stack (readable
// lines, `--json`, Ctrl-C), and the follow loop itself against an API that fails in the ways a deployed
// one can (throttling, 5xx, a refused signature).

import { afterEach, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import type { ApiResponse } from '../../src/cli/api-client.js';
import { ApiUnreachableError } from '../../src/cli/api-client.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { TAIL_PACE, tailRoom } from '../../src/cli/tail.js';
import { spawnLines, type ChildLines } from '../support/child-lines.js';
import { useDevStack } from '../support/dev-stack-suite.js';
import { openClient, type TestClient } from '../support/ws-client.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** Each test starts the CLI as a process of its own. */
const CLI_TEST_TIMEOUT = 45_000;

describe('roomcast tail on the local stack', () => {
  let client: TestClient | undefined;
  const running: ChildLines[] = [];
  const stack = useDevStack({ anonymous: true }, { beforeStop: () => client?.close() });

  afterEach(async () => {
    for (const tail of running.splice(0)) {
      if (tail.child.exitCode === null && tail.child.signalCode === null) tail.child.kill('SIGKILL');
      await tail.exited;
    }
  });

  /** Starts `roomcast tail <room> ...` and waits until it has found where to start. */
  async function startTail(room: string, ...flags: string[]): Promise<ChildLines> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env['NODE_OPTIONS'];
    const tail = spawnLines(
      process.execPath,
      ['bin/roomcast.mjs', 'tail', room, '--url', stack().apiUrl, ...flags],
      { cwd: REPO, env },
    );
    running.push(tail);
    // The CLI compiles its TypeScript on start (tsx): on a busy machine that takes seconds.
    await tail.waitForLine(new RegExp(`^Following #${room} after seq \\d+`), {
      stream: 'stderr',
      timeoutMs: 25_000,
    });
    return tail;
  }

  async function publish(room: string, text: string): Promise<number> {
    const response = await fetch(`${stack().apiUrl}/rooms/${room}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, from: 'CI' }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { seq: number }).seq;
  }

  async function say(text: string, requestId: string): Promise<number> {
    client ??= await openClient(`${stack().wsUrl}?name=Ada`);
    client.send({ action: 'sendMessage', text, requestId });
    return (await client.next<{ seq: number }>((frame) => frame['requestId'] === requestId)).seq;
  }

  it(
    'prints each new message as one line (time, sender, text) and ends on Ctrl-C with 0',
    async () => {
      const old = await say('said before the tail started', 'old');
      const tail = await startTail('lobby');
      expect(tail.errors.at(-1)).toBe(`Following #lobby after seq ${old} (Ctrl-C stops)`);

      const first = await publish('lobby', 'deploy finished');
      const second = await say('line one\nline two \u001b[31mred', 'new');
      await tail.waitForLine(new RegExp(`^#${second} `));

      expect(tail.lines).toEqual([
        expect.stringMatching(
          new RegExp(`^#${first} \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d CI: deploy finished$`),
        ),
        expect.stringMatching(new RegExp(`^#${second} .* Ada: line one\\\\nline two \\\\u001b\\[31mred$`)),
      ]);
      tail.child.kill('SIGINT');
      expect(await tail.exited).toEqual({ code: 0, signal: null });
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    '--json prints one message object per line, and --after replays from a sequence number',
    async () => {
      await say('the room has a first message', 'json-first');
      const tail = await startTail('lobby', '--json', '--after', '1');
      const next = await publish('lobby', 'as JSON');
      await tail.waitForLine(/"as JSON"/);

      const messages = tail.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(messages.map((message) => message['seq'])).toEqual(
        Array.from({ length: next - 1 }, (_, index) => index + 2),
      );
      expect(messages.at(-1)).toMatchObject({
        type: 'message',
        room: 'lobby',
        seq: next,
        from: { userId: 'system', displayName: 'CI' },
        text: 'as JSON',
        sentAt: expect.any(Number),
      });
      tail.child.kill('SIGINT');
      expect(await tail.exited).toEqual({ code: 0, signal: null });
    },
    CLI_TEST_TIMEOUT,
  );
});

describe('the tail loop against a failing API', () => {
  const message = (seq: number) => ({
    type: 'message',
    room: 'ops',
    seq,
    messageId: `m-${seq}`,
    from: { userId: 'system', displayName: 'CI' },
    text: `text ${seq}`,
    sentAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  });
  const page = (seqs: number[], hasMore = false): ApiResponse => ({
    status: 200,
    body: { room: 'ops', messages: seqs.map(message), hasMore },
  });

  /** Runs the tail over scripted answers; sleeping records the wait and returns at once. */
  async function run(answers: (ApiResponse | Error)[], options: { after?: number } = {}) {
    const queries: Record<string, string>[] = [];
    const waits: number[] = [];
    const out: string[] = [];
    const err: string[] = [];
    const stop = new AbortController();
    const code = await tailRoom({
      api: {
        request: async (_method, _path, request) => {
          queries.push(request?.query ?? {});
          const answer = answers.shift();
          if (answer === undefined) {
            stop.abort();
            throw new ApiUnreachableError('aborted');
          }
          if (answer instanceof Error) throw answer;
          return answer;
        },
      },
      room: 'ops',
      ...options,
      json: false,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      signal: stop.signal,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    return { code, queries, waits, out, err };
  }

  it('starts after the newest message, pages through a burst, and backs off while quiet', async () => {
    const result = await run([
      page([7]),
      page([8, 9], true),
      page([10]),
      page([]),
      page([]),
      page([]),
      page([]),
      page([]),
    ]);
    expect(result.code).toBe(EXIT.ok);
    expect(result.queries).toEqual([
      { limit: '1' },
      { after: '7', limit: '100' },
      { after: '9', limit: '100' },
      { after: '10', limit: '100' },
      { after: '10', limit: '100' },
      { after: '10', limit: '100' },
      { after: '10', limit: '100' },
      { after: '10', limit: '100' },
      { after: '10', limit: '100' },
    ]);
    expect(result.out).toEqual([
      '#8 2026-01-02 03:04:05 CI: text 8',
      '#9 2026-01-02 03:04:05 CI: text 9',
      '#10 2026-01-02 03:04:05 CI: text 10',
    ]);
    // No wait between the pages of a burst; then brisk after messages, doubling up to the quiet pace.
    expect(result.waits).toEqual([
      TAIL_PACE.activeMs,
      500,
      1_000,
      TAIL_PACE.quietMs,
      TAIL_PACE.quietMs,
      TAIL_PACE.quietMs,
    ]);
  });

  it('retries throttling, server errors and a lost connection, saying so once per kind', async () => {
    const unavailable: ApiResponse = { status: 503, body: { message: 'Service Unavailable' } };
    const result = await run(
      [
        page([]),
        unavailable,
        unavailable,
        { status: 429, body: { message: 'Too Many Requests' } },
        new ApiUnreachableError('Cannot reach https://api.example: fetch failed'),
        page([1]),
      ],
      {},
    );
    expect(result.code).toBe(EXIT.ok);
    expect(result.out).toEqual(['#1 2026-01-02 03:04:05 CI: text 1']);
    expect(result.err).toEqual([
      'Following #ops after seq 0 (Ctrl-C stops)',
      '#ops: 503 Service Unavailable; retrying, at most every 10 s',
      '#ops: 429 Too Many Requests; retrying, at most every 10 s',
      '#ops: Cannot reach https://api.example: fetch failed; retrying, at most every 10 s',
      '#ops: the API answers again',
    ]);
    expect(result.waits.slice(0, 4)).toEqual([500, 1_000, 2_000, 4_000]);
  });

  it('ends with 1 and says why when the API refuses the credentials or the URL is wrong', async () => {
    const refused = await run([page([3]), { status: 403, body: { message: 'Forbidden' } }]);
    expect(refused.code).toBe(EXIT.refused);
    expect(refused.err.at(-1)).toMatch(
      /^Error 403 reading #ops: Forbidden \(.*execute-api:Invoke on GET \/rooms\/\*\/messages\)$/,
    );

    const wrongUrl = await run([{ status: 404, body: { message: 'Not Found' } }]);
    expect(wrongUrl.code).toBe(EXIT.refused);
    expect(wrongUrl.err).toEqual([
      expect.stringMatching(/^Error 404 reading #ops: Not Found \(is --url the backend API/),
    ]);
  });

  it('waits for a room that does not exist yet, and stops at once when the API was never reached', async () => {
    const notYet = await run([
      { status: 404, body: { error: { code: 'unknown_room', message: 'No room "ops"' } } },
      { status: 404, body: { error: { code: 'unknown_room', message: 'No room "ops"' } } },
      page([1]),
    ]);
    expect(notYet.queries[0]).toEqual({ limit: '1' });
    expect(notYet.queries[1]).toEqual({ after: '0', limit: '100' });
    expect(notYet.out).toEqual(['#1 2026-01-02 03:04:05 CI: text 1']);

    const never = await run([new ApiUnreachableError('Cannot reach http://localhost:1: fetch failed')]);
    expect(never.code).toBe(EXIT.unreachable);
    expect(never.err).toEqual(['Cannot reach http://localhost:1: fetch failed']);
  });
});
