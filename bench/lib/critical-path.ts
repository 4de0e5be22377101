// Bench support: the critical path of a send. Middleware on the handlers' DynamoDB and @connections
// clients records when each request starts and ends; for each message, the requests made between its
// frame and its first delivery to a member are chained: the longest run of requests each starting after
// the previous ended is how many round trips a member waits for (requests that overlap count once).

import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { nowMs } from './clock.js';

export interface Call {
  /** `DynamoDB:UpdateItem`, `@connections:ack`, `@connections:message`, ... */
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

export interface CriticalPath {
  /** Requests in the longest chain before the first member delivery. */
  readonly depth: number;
  /** That chain, in order. */
  readonly chain: readonly string[];
  /** Time inside each of the chain's requests, in order. */
  readonly linksMs: readonly number[];
  /** Time inside the chain's requests, added up. */
  readonly chainMs: number;
  /** Requests under way while the chain's first one was: what ran at once in the first round trip. */
  readonly firstStageWidth: number;
  /** From the first request of the message to the start of its first member delivery. */
  readonly spanMs: number;
}

let recorders = 0;

export class CallRecorder {
  private readonly name = `benchCriticalPath${(recorders += 1)}`;
  private calls: Call[] = [];
  enabled = true;

  attachDynamo(client: DynamoDBDocumentClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) =>
        this.timed(`DynamoDB:${String(context.commandName).replace(/Command$/, '')}`, () => next(args)),
      { step: 'initialize', name: this.name },
    );
  }

  attachConnections(client: ApiGatewayManagementApiClient): void {
    client.middlewareStack.add(
      (next) => async (args) => {
        const data = (args.input as { Data?: Uint8Array }).Data;
        const text = data === undefined ? '' : Buffer.from(data).subarray(0, 40).toString('utf8');
        const type = /"type":"([a-z_]+)"/.exec(text)?.[1] ?? 'other';
        return this.timed(`@connections:${type}`, () => next(args));
      },
      { step: 'initialize', name: this.name },
    );
  }

  private async timed<T>(name: string, call: () => Promise<T>): Promise<T> {
    if (!this.enabled) return call();
    const start = nowMs();
    try {
      return await call();
    } finally {
      this.calls.push({ name, start, end: nowMs() });
    }
  }

  reset(): void {
    this.calls = [];
  }

  /**
   * One path per message: the calls are split where the recorder saw nothing in flight for `gapMs` (the
   * messages of the run are far enough apart for that), and each group's path is measured.
   */
  paths(gapMs: number): CriticalPath[] {
    const sorted = [...this.calls].sort((a, b) => a.start - b.start);
    const groups: Call[][] = [];
    let reach = Number.NEGATIVE_INFINITY;
    for (const call of sorted) {
      if (call.start - reach > gapMs || groups.length === 0) groups.push([]);
      groups.at(-1)?.push(call);
      reach = Math.max(reach, call.end);
    }
    return groups.map(criticalPath).filter((path): path is CriticalPath => path !== undefined);
  }
}

/** The longest chain of calls, each starting after the previous ended, before the first `message` post. */
export function criticalPath(calls: readonly Call[]): CriticalPath | undefined {
  const first = calls
    .filter((call) => call.name === '@connections:message')
    .reduce<Call | undefined>(
      (earliest, call) => (earliest === undefined || call.start < earliest.start ? call : earliest),
      undefined,
    );
  if (first === undefined) return undefined;
  const before = calls
    .filter((call) => call !== first && call.end <= first.start)
    .sort((a, b) => a.end - b.end);
  // Longest chain ending at each call: calls that overlap cannot follow one another.
  type Chain = { depth: number; chain: string[]; links: Call[] };
  const best: Chain[] = [];
  before.forEach((call, i) => {
    let longest: Chain = { depth: 0, chain: [], links: [] };
    let longestEnd = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < i; j += 1) {
      const earlier = before[j] as Call;
      const path = best[j] as Chain;
      if (earlier.end > call.start) continue;
      // Of equally long chains, the one that ended last is the one this call waited for.
      if (path.depth > longest.depth || (path.depth === longest.depth && earlier.end >= longestEnd)) {
        longest = path;
        longestEnd = earlier.end;
      }
    }
    best.push({
      depth: longest.depth + 1,
      chain: [...longest.chain, call.name],
      links: [...longest.links, call],
    });
  });
  const longest = best.reduce<Chain>((most, path) => (path.depth >= most.depth ? path : most), {
    depth: 0,
    chain: [],
    links: [],
  });
  const firstStart = Math.min(first.start, ...before.map((call) => call.start));
  const linksMs = longest.links.map((call) => call.end - call.start);
  const head = longest.links[0];
  return {
    depth: longest.depth,
    chain: longest.chain,
    linksMs,
    chainMs: linksMs.reduce((sum, ms) => sum + ms, 0),
    firstStageWidth:
      head === undefined ? 0 : before.filter((call) => call.start < head.end && call.end > head.start).length,
    spanMs: first.start - firstStart,
  };
}
