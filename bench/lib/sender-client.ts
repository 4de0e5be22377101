// Bench support: runs one job in a fresh sender helper process (see sender.ts).

import { fileURLToPath } from 'node:url';
import { Helper } from './children.js';
import type { SenderReply, SenderRequest } from './sender.js';

const SENDER = fileURLToPath(new URL('./sender.ts', import.meta.url));

export async function runSender(request: SenderRequest, timeoutMs: number): Promise<SenderReply> {
  const helper = new Helper<SenderRequest, SenderReply>(SENDER);
  try {
    const reply = await helper.request(request, timeoutMs);
    await helper.done();
    return reply;
  } finally {
    await helper.stop();
  }
}
