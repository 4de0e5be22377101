// `npx roomcast`: the backend API from a terminal or a script. Human-readable output by default,
// `--json` for scripts; exit codes 0 ok, 1 refused by the API, 2 usage error, 3 API unreachable.

import { parseArgs } from 'node:util';
import { ApiClient, ApiUnreachableError, type ApiResponse } from './api-client.js';
import { EXIT } from './exit-codes.js';
import { messageLine, type ShownMessage } from './message-lines.js';
import { tailRoom } from './tail.js';

export { EXIT } from './exit-codes.js';

const USAGE = `Usage: roomcast <command> [arguments] [options]

Commands:
  publish <room> <text...>        post into a room (stored, numbered, fanned out)
  direct <user> <text...>         write to every connection of a user
  broadcast <text...>             a notice to every live connection
  members <room>                  who is in a room
  history <room>                  a page of a room's history (--after, --before, --limit)
  tail <room>                     follow a room live: each new message as it arrives, until Ctrl-C
                                  (--after <seq> starts after that message instead of the newest)
  edit <room> <seq> <text...>     replace the text of a message (moderation: any message)
  delete <room> <seq>             delete a message: its text leaves storage, a tombstone stays
  kick <connectionId>             close one connection
  kick --user <user>              close every connection of a user
  ban <room> <user>               keep a user out of a room (joins and sends refused); their
                                  connections there leave it at once
  unban <room> <user>             lift a ban

Options:
  --url <url>       the API (default: $ROOMCAST_API_URL or http://localhost:3000/api, the local stack);
                    a deployed API is called with SigV4 and your AWS credentials
  --region <name>   region for SigV4 when the URL does not name one (default: $AWS_REGION)
  --from <name>     display name of the sender (publish, direct, broadcast, edit, delete)
  --id <key>        idempotency key: a retry with the same key is stored and delivered once
  --json            print the API's JSON answer (tail: one JSON object per message and line)
  -h, --help        this help
`;

class UsageError extends Error {}

interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Whether stderr is a terminal (progress lines only then). */
  readonly interactive: boolean;
}

const consoleIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interactive: process.stderr.isTTY === true,
};

type Values = {
  url?: string;
  region?: string;
  from?: string;
  id?: string;
  json?: boolean;
  user?: string;
  after?: string;
  before?: string;
  limit?: string;
  help?: boolean;
};

function counts(body: Record<string, unknown>): string {
  return `delivered ${String(body['delivered'] ?? 0)}, gone ${String(body['gone'] ?? 0)}, failed ${String(body['failed'] ?? 0)}`;
}

function describe(command: string, args: string[], values: Values, body: Record<string, unknown>): string[] {
  switch (command) {
    case 'publish':
      return [
        `${body['duplicate'] ? 'Already published' : 'Published'} to #${args[0]} as seq ${String(body['seq'])}: ${counts(body)}`,
      ];
    case 'direct':
      return [
        `${body['duplicate'] ? 'Already sent' : 'Sent'} to ${args[0]} as seq ${String(body['seq'])}: ${counts(body)}`,
      ];
    case 'broadcast':
      return [
        `Broadcast to ${String(body['recipients'])} connections: ${counts(body)}${body['complete'] === false ? ' (incomplete)' : ''}`,
      ];
    case 'members': {
      const members =
        (body['members'] as { userId: string; displayName: string; connections: number }[]) ?? [];
      const lines = members.map(
        (m) => `${m.displayName} (${m.userId})${m.connections > 1 ? ` x${m.connections}` : ''}`,
      );
      if (members.length === 0) lines.push(`Nobody is in #${args[0]}`);
      if (body['truncated'] === true) lines.push('... and more');
      return lines;
    }
    case 'history': {
      const messages = (body['messages'] as ShownMessage[]) ?? [];
      const lines = messages.map(messageLine);
      if (messages.length === 0) lines.push('No messages');
      if (body['hasMore'] === true) lines.push('(more: page on with --after / --before)');
      return lines;
    }
    case 'edit':
    case 'delete':
      return [
        `${command === 'edit' ? 'Edited' : 'Deleted'} message ${String(body['target'])} of #${args[0]} (entry ${String(body['seq'])}): ${counts(body)}`,
      ];
    case 'ban':
      return [
        `Banned ${args[1]} from #${args[0]}: ${String(body['removed'])} connection(s) removed from the room`,
      ];
    case 'unban':
      return [
        body['unbanned'] === true
          ? `Unbanned ${args[1]} from #${args[0]}`
          : `${args[1]} was not banned from #${args[0]}`,
      ];
    case 'kick':
      return values.user !== undefined
        ? [
            `Closed ${String(body['closed'])} connection(s) of ${values.user} (${String(body['gone'])} already gone)`,
          ]
        : [`Closed connection ${args[0]}`];
    default:
      return [];
  }
}

/** Turns the command line into one API call. */
function requestFor(
  command: string,
  args: string[],
  values: Values,
): { method: string; path: string; body?: unknown; query?: Record<string, string> } {
  const need = (count: number, what: string) => {
    if (args.length < count) throw new UsageError(`${command}: missing ${what}`);
  };
  const text = (from: number) => args.slice(from).join(' ');
  const sender = {
    from: values.from,
    clientMsgId: values.id,
  };
  const segment = (value: string) => encodeURIComponent(value);
  switch (command) {
    case 'publish':
    case 'direct': {
      // A message into a room or to a user: the same body, only the kind of target differs.
      const [target, collection] = command === 'publish' ? ['<room>', 'rooms'] : ['<user>', 'users'];
      need(2, `${target} <text>`);
      return {
        method: 'POST',
        path: `/${collection}/${segment(args[0] as string)}/messages`,
        body: { text: text(1), ...sender },
      };
    }
    case 'broadcast':
      need(1, '<text>');
      return {
        method: 'POST',
        path: '/broadcast',
        body: { text: text(0), from: values.from },
      };
    case 'members':
      need(1, '<room>');
      return { method: 'GET', path: `/rooms/${segment(args[0] as string)}/members` };
    case 'history': {
      need(1, '<room>');
      const query = Object.fromEntries(
        (['after', 'before', 'limit'] as const)
          .filter((k) => values[k] !== undefined)
          .map((k) => [k, values[k] as string]),
      );
      return { method: 'GET', path: `/rooms/${segment(args[0] as string)}/messages`, query };
    }
    case 'edit':
    case 'delete': {
      need(command === 'edit' ? 3 : 2, command === 'edit' ? '<room> <seq> <text>' : '<room> <seq>');
      const path = `/rooms/${segment(args[0] as string)}/messages/${segment(args[1] as string)}`;
      return command === 'edit'
        ? { method: 'PATCH', path, body: { text: text(2), from: values.from } }
        : { method: 'DELETE', path, ...(values.from === undefined ? {} : { body: { from: values.from } }) };
    }
    case 'ban':
    case 'unban':
      need(2, '<room> <user>');
      return {
        method: command === 'ban' ? 'PUT' : 'DELETE',
        path: `/rooms/${segment(args[0] as string)}/bans/${segment(args[1] as string)}`,
      };
    case 'kick':
      if (values.user !== undefined)
        return { method: 'DELETE', path: `/users/${segment(values.user)}/connections` };
      need(1, '<connectionId> or --user <user>');
      return { method: 'DELETE', path: `/connections/${segment(args[0] as string)}` };
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** Shows elapsed time while a long call (a broadcast to many connections) runs. */
async function withProgress<T>(io: Io, label: string, work: Promise<T>): Promise<T> {
  if (!io.interactive) return work;
  const started = Date.now();
  const timer = setInterval(
    () => process.stderr.write(`\r${label}... ${((Date.now() - started) / 1000).toFixed(1)}s`),
    100,
  );
  try {
    return await work;
  } finally {
    clearInterval(timer);
    process.stderr.write('\r\x1b[K');
  }
}

export async function run(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  io: Io = consoleIo,
): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        region: { type: 'string' },
        from: { type: 'string' },
        id: { type: 'string' },
        user: { type: 'string' },
        after: { type: 'string' },
        before: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }) as { values: Values; positionals: string[] });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const [command, ...args] = positionals;
  if (values.help === true || command === undefined) {
    (command === undefined && values.help !== true ? io.err : io.out)(USAGE);
    return command === undefined && values.help !== true ? EXIT.usage : EXIT.ok;
  }
  if (command === 'tail') return tail(args, values, env, io);

  let response: ApiResponse;
  try {
    const call = requestFor(command, args, values);
    const region = values.region ?? env['AWS_REGION'];
    const client = new ApiClient(values.url ?? env['ROOMCAST_API_URL'] ?? 'http://localhost:3000/api', {
      region,
    });
    const pending = client.request(call.method, call.path, {
      body: call.body,
      query: call.query,
    });
    response = command === 'broadcast' ? await withProgress(io, 'broadcasting', pending) : await pending;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    io.err((error as Error).message);
    return error instanceof ApiUnreachableError ? EXIT.unreachable : EXIT.usage;
  }

  const body = (response.body ?? {}) as Record<string, unknown>;
  if (response.status >= 400) {
    if (values.json === true) io.out(JSON.stringify(response.body));
    const error = body['error'] as { code?: string; message?: string } | undefined;
    io.err(
      `Error ${response.status}${error?.code ? ` ${error.code}` : ''}: ${error?.message ?? String(body['message'] ?? response.body)}`,
    );
    return EXIT.refused;
  }
  if (values.json === true) io.out(JSON.stringify(response.status === 204 ? { ok: true } : response.body));
  else for (const line of describe(command, args, values, body)) io.out(line);
  return EXIT.ok;
}

/** `tail <room>`: runs until Ctrl-C (SIGINT), SIGTERM or a closed stdout, each of which ends it with 0. */
async function tail(args: string[], values: Values, env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  const [room] = args;
  const after = values.after === undefined ? undefined : Number(values.after);
  if (
    room === undefined ||
    args.length > 1 ||
    (after !== undefined && !(Number.isInteger(after) && after >= 0))
  ) {
    io.err(
      `tail: expected one <room>${values.after === undefined ? '' : ' and --after <seq>, a whole number'}\n\n${USAGE}`,
    );
    return EXIT.usage;
  }
  let api: ApiClient;
  try {
    api = new ApiClient(values.url ?? env['ROOMCAST_API_URL'] ?? 'http://localhost:3000/api', {
      region: values.region ?? env['AWS_REGION'],
    });
  } catch (error) {
    io.err((error as Error).message);
    return EXIT.usage;
  }
  const stop = new AbortController();
  const onStop = () => stop.abort();
  // `roomcast tail lobby | head -3`: the reader going away is the end of the tail, not a crash.
  const onOutputError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') stop.abort();
    else throw error;
  };
  process.once('SIGINT', onStop);
  process.once('SIGTERM', onStop);
  process.stdout.on('error', onOutputError);
  try {
    return await tailRoom({
      api,
      room,
      ...(after === undefined ? {} : { after }),
      json: values.json === true,
      out: io.out,
      err: io.err,
      signal: stop.signal,
    });
  } catch (error) {
    // Not an answer of the API: missing AWS credentials, say. Reported as the other commands do.
    io.err((error as Error).message);
    return EXIT.usage;
  } finally {
    process.off('SIGINT', onStop);
    process.off('SIGTERM', onStop);
    process.stdout.off('error', onOutputError);
  }
}
