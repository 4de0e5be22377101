// Bench support: runs one job in a fresh sender helper process (see sender.ts).

import { fileURLToPath } from 'node:url';
import { runInFreshHelper } from './children.js';
import type { SenderReply, SenderRequest } from './sender.js';

const SENDER = fileURLToPath(new URL('./sender.ts', import.meta.url));

export function runSender(request: SenderRequest, timeoutMs: number): Promise<SenderReply> {
  return runInFreshHelper<SenderRequest, SenderReply>(SENDER, request, timeoutMs);
}
