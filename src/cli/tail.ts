// `roomcast tail <room>`: follows a room live as a backend observer, through the backend API's history
// route (no server surface of its own): it reads from the newest message on with an `after` cursor,
// polling briskly while messages flow and backing off when the room is quiet. Transient failures
// (unreachable, throttled, 5xx) are retried; refusals (403, a wrong URL, a bad room name) end it.

import type { ApiClient, ApiResponse } from './api-client.js';
import { ApiUnreachableError } from './api-client.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { messageLine, type ShownMessage } from './message-lines.js';

/** Poll intervals: `activeMs` after a poll that found messages, doubling on each empty one to `quietMs`. */
export interface TailPace {
  readonly activeMs: number;
  readonly quietMs: number;
  /** Ceiling of the retry interval while the API fails transiently. */
  readonly failingMs: number;
}

export const TAIL_PACE: TailPace = { activeMs: 250, quietMs: 2_000, failingMs: 10_000 };

/** Messages per poll: the API's page maximum, so a burst is caught up in few requests. */
const PAGE = 100;

export interface TailOptions {
  readonly api: Pick<ApiClient, 'request'>;
  readonly room: string;
  /** Start after this sequence number instead of the newest message (replays what follows it). */
  readonly after?: number;
  /** One JSON object per message on stdout instead of readable lines. */
  readonly json: boolean;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Aborted by Ctrl-C: the tail stops, between polls or during one, and ends with exit code 0. */
  readonly signal: AbortSignal;
  readonly pace?: TailPace;
  /** Waits `ms` or until the signal aborts; tests pass one that does not wait. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

interface Page {
  readonly messages: readonly (ShownMessage & Record<string, unknown>)[];
  readonly hasMore: boolean;
}

/** What one request came to: a page, a failure worth retrying, or the end of the tail. */
type Outcome =
  | { readonly kind: 'page'; readonly page: Page }
  | { readonly kind: 'retry'; readonly reason: string }
  | { readonly kind: 'end'; readonly code: ExitCode; readonly message?: string };

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function errorOf(response: ApiResponse): { code?: string; message?: string } {
  const body = response.body as { error?: { code?: string; message?: string }; message?: string } | null;
  return body?.error ?? { message: typeof body?.message === 'string' ? body.message : String(response.body) };
}

/** Sorts an API answer into a page, a transient failure, or a refusal that ends the tail. */
function outcomeOf(response: ApiResponse, room: string): Outcome {
  const { status } = response;
  const error = status >= 400 ? errorOf(response) : {};
  if (status === 200) return { kind: 'page', page: response.body as Page };
  // A room with no members and no history yet: it exists as soon as someone joins or a backend posts.
  if (status === 404 && error.code === 'unknown_room')
    return { kind: 'page', page: { messages: [], hasMore: false } };
  if (status === 429 || status >= 500)
    return { kind: 'retry', reason: `${status} ${error.code ?? error.message ?? ''}`.trim() };
  const detail = `${error.code ? `${error.code}: ` : ''}${error.message ?? ''}`;
  const hint =
    status === 403
      ? ' (a deployed API needs SigV4 credentials allowed execute-api:Invoke on GET /rooms/*/messages)'
      : status === 404
        ? ' (is --url the backend API, ending in its stage or /api?)'
        : '';
  return { kind: 'end', code: EXIT.refused, message: `Error ${status} reading #${room}: ${detail}${hint}` };
}

export async function tailRoom(options: TailOptions): Promise<ExitCode> {
  const { api, room, signal } = options;
  const pace = options.pace ?? TAIL_PACE;
  const sleep = options.sleep ?? abortableSleep;
  const path = `/rooms/${encodeURIComponent(room)}/messages`;
  let reachedOnce = false;

  const request = async (query: Record<string, string>): Promise<Outcome> => {
    try {
      const response = await api.request('GET', path, { query, signal });
      reachedOnce = true;
      return outcomeOf(response, room);
    } catch (error) {
      if (signal.aborted) return { kind: 'end', code: EXIT.ok };
      if (!(error instanceof ApiUnreachableError)) throw error;
      // Never reached: most likely a wrong URL or a stack that is not running, so say so and stop.
      if (!reachedOnce) return { kind: 'end', code: EXIT.unreachable, message: error.message };
      return { kind: 'retry', reason: error.message };
    }
  };

  /** Retries transient failures with a growing interval; anything else is returned. */
  const settled = async (
    query: () => Record<string, string>,
  ): Promise<Exclude<Outcome, { kind: 'retry' }>> => {
    let wait = pace.activeMs;
    let told: string | undefined;
    for (;;) {
      const outcome = await request(query());
      if (outcome.kind !== 'retry') {
        if (told !== undefined && outcome.kind === 'page') options.err(`#${room}: the API answers again`);
        return outcome;
      }
      wait = Math.min(wait * 2, pace.failingMs);
      // One line per kind of failure, not one per retry: an outage of an hour is not 360 lines.
      if (outcome.reason !== told) {
        options.err(`#${room}: ${outcome.reason}; retrying, at most every ${pace.failingMs / 1000} s`);
        told = outcome.reason;
      }
      await sleep(wait, signal);
      if (signal.aborted) return { kind: 'end', code: EXIT.ok };
    }
  };

  let cursor = options.after;
  if (cursor === undefined) {
    const newest = await settled(() => ({ limit: '1' }));
    if (newest.kind === 'end') return end(options, newest);
    cursor = newest.page.messages.at(-1)?.seq ?? 0;
  }
  options.err(`Following #${room} after seq ${cursor} (Ctrl-C stops)`);

  let wait = pace.activeMs;
  while (!signal.aborted) {
    const after = cursor;
    const outcome = await settled(() => ({ after: String(after), limit: String(PAGE) }));
    if (outcome.kind === 'end') return end(options, outcome);
    for (const message of outcome.page.messages) {
      options.out(options.json ? JSON.stringify(message) : messageLine(message));
      cursor = Math.max(cursor, message.seq);
    }
    if (outcome.page.hasMore) continue;
    wait = outcome.page.messages.length > 0 ? pace.activeMs : Math.min(wait * 2, pace.quietMs);
    await sleep(wait, signal);
  }
  return EXIT.ok;
}

function end(options: TailOptions, outcome: { code: ExitCode; message?: string }): ExitCode {
  if (outcome.message !== undefined) options.err(outcome.message);
  return outcome.code;
}
