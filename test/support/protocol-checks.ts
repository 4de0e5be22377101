// Test support: checks the frames of a test's WebSocket clients against the AsyncAPI document. A frame a
// test sends that breaks it throws at once; one the service sends is recorded, and the test it arrived
// during fails (afterEach) with the frame and the schema error. Frames sent on purpose malformed go
// through `sendRaw`, which checks nothing.

import { afterAll, afterEach } from '@jest/globals';
import WebSocket from 'ws';
import { clientFrameProblem, serverFrameProblem } from './protocol-documents.js';

const violations: string[] = [];

function failOnViolations(): void {
  if (violations.length === 0) return;
  const found = violations.splice(0);
  throw new Error(`The service sent frames docs/asyncapi.json does not describe:\n${found.join('\n')}`);
}

afterEach(failOnViolations);
afterAll(failOnViolations);

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Throws, naming the frame and the schema error, when a frame about to be sent breaks the document. */
export function checkOutgoing(frame: unknown): void {
  const problem = clientFrameProblem(typeof frame === 'string' ? parsed(frame) : frame);
  if (problem !== undefined) {
    throw new Error(`${problem}\n(send a deliberately malformed frame with sendRaw)`);
  }
}

/** Records a received frame that breaks the document; returns the problem, if any. */
export function checkIncoming(frame: unknown): string | undefined {
  const problem = serverFrameProblem(frame);
  if (problem !== undefined) violations.push(problem);
  return problem;
}

/**
 * The `ws` WebSocket for the client SDK in end-to-end suites: every text frame either way is checked
 * (the SDK's own are recorded rather than thrown, so the SDK's flow stays as it is).
 */
export class CheckedWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    this.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (!isBinary) checkIncoming(parsed(data.toString()));
    });
  }

  override send(data: unknown, ...rest: unknown[]): void {
    if (typeof data === 'string') {
      const problem = clientFrameProblem(parsed(data));
      if (problem !== undefined) violations.push(problem);
    }
    (WebSocket.prototype.send as (...args: unknown[]) => void).call(this, data, ...rest);
  }
}
