// `make dev`'s hot reload: the dev stack runs from a copy of the sources in a child process; editing a
// source file there swaps the handlers while a WebSocket connection stays open and the data stays, and
// a file that does not compile leaves the previous handlers serving.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnLines, type ChildLines } from '../support/child-lines.js';
import { openClient, type TestClient } from '../support/ws-client.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** Where the domain words its refusal of an unknown action: the edit prefixes that text. */
const EDITED = 'src/domain/protocol/client-actions.ts';
const REFUSAL = "'unknown_action', `";
const START_TIMEOUT = 60_000;

describe('make dev hot reload', () => {
  let copy: string;
  let stack: ChildLines | undefined;
  let client: TestClient | undefined;
  let original: string;
  let requests = 0;

  /** Sends an action nobody knows and gives the text of the error the handlers answer with. */
  async function unknownActionMessage(): Promise<string> {
    const requestId = `r-${(requests += 1)}`;
    // Unknown on purpose, so sent unchecked.
    client?.sendRaw({ action: 'no-such-thing', requestId });
    const reply = await client!.next((frame) => frame['requestId'] === requestId);
    expect(reply['code']).toBe('unknown_action');
    return reply['message'] as string;
  }

  beforeAll(async () => {
    copy = await mkdtemp(join(tmpdir(), 'roomcast-hot-reload-'));
    for (const entry of ['src', 'package.json', 'tsconfig.json']) {
      await cp(join(REPO, entry), join(copy, entry), { recursive: true });
    }
    await symlink(join(REPO, 'node_modules'), join(copy, 'node_modules'), 'dir');
    original = await readFile(join(copy, EDITED), 'utf8');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AUTH_MODE: 'anonymous',
      WS_PORT: '0',
      WEB_PORT: '0',
      LOG_LEVEL: 'SILENT',
    };
    for (const name of ['NODE_OPTIONS', 'DATA_DIR', 'HOT_RELOAD']) delete env[name];
    stack = spawnLines(process.execPath, ['--import', 'tsx', 'src/local/main.ts'], { cwd: copy, env });
    const [, wsUrl] = await stack.waitForLine(/^\s+WebSocket\s+(ws:\/\/\S+)/, { timeoutMs: START_TIMEOUT });
    client = await openClient(`${wsUrl}?name=Ada`);
  }, START_TIMEOUT);

  afterAll(async () => {
    await client?.close();
    if (stack !== undefined && stack.child.exitCode === null) {
      stack.child.kill('SIGINT');
      await stack.exited;
    }
    await rm(copy, { recursive: true, force: true });
  }, START_TIMEOUT);

  it('keeps serving the previous handlers when an edit does not compile', async () => {
    const before = await unknownActionMessage();
    const from = stack!.lines.length;
    await writeFile(join(copy, EDITED), `${original}\nexport const broken = ;\n`);
    await stack!.waitForLine(new RegExp(`reload failed \\(${EDITED} changed\\)`), { from });
    expect(await unknownActionMessage()).toBe(before);
  });

  it('runs the edited code on the same open connection, with the data written before', async () => {
    client!.send({ action: 'sendMessage', text: 'written before the reload', requestId: 'before' });
    const ack = await client!.next((frame) => frame['requestId'] === 'before');
    expect(ack['type']).toBe('ack');

    const edited = original.replace(REFUSAL, `${REFUSAL}edited: `);
    expect(edited).not.toBe(original);
    const from = stack!.lines.length;
    const before = await unknownActionMessage();
    await writeFile(join(copy, EDITED), edited);
    await stack!.waitForLine(new RegExp(`reloaded handlers in \\d+ ms \\(${EDITED} changed\\)`), { from });

    expect(await unknownActionMessage()).toBe(`edited: ${before}`);
    client!.send({ action: 'history', room: 'lobby', requestId: 'after' });
    const history = await client!.next<{ messages: { seq: number; text: string }[] }>(
      (frame) => frame['requestId'] === 'after',
    );
    expect(history.messages.map((message) => message.text)).toContain('written before the reload');
    expect(history.messages.find((m) => m.text === 'written before the reload')?.seq).toBe(ack['seq']);
    expect(client!.ws.readyState).toBe(client!.ws.OPEN);
  });
});
