// Domain assembly: builds every use case from the ports, and dispatches a parsed action to its use case.
// The composition root (src/handlers) supplies the adapters; tests supply fakes.

import type { ChatPolicy } from './chat-policy.js';
import { ConnectionJanitor } from './fan-out/connection-janitor.js';
import type { FanOutPort } from './fan-out/fan-out.port.js';
import { DeliverShard } from './fan-out/deliver-shard.js';
import { listedJobs } from './fan-out/fan-out-job.js';
import { PagedFanOut } from './fan-out/paged-fan-out.js';
import { ShardedFanOut } from './fan-out/sharded-fan-out.js';
import type { FanOutQueuePort } from './ports/fan-out-queue.port.js';
import type { ClockPort } from './ports/clock.port.js';
import type { ConnectionRegistryPort } from './ports/connection-registry.port.js';
import type { IdGeneratorPort } from './ports/id-generator.port.js';
import type { LoggerPort } from './ports/logger.port.js';
import type { MessageLogPort } from './ports/message-log.port.js';
import type { NotifierPort } from './ports/notifier.port.js';
import type { RateLimiterPort } from './ports/rate-limiter.port.js';
import type { RoomMembershipPort } from './ports/room-membership.port.js';
import type { UserStatusPort } from './ports/user-status.port.js';
import type { ReadMarkersPort } from './ports/read-markers.port.js';
import type { OccupancyPort } from './ports/occupancy.port.js';
import type { MessageReactionsPort } from './ports/message-reactions.port.js';
import type { BanPort } from './ports/ban.port.js';
import { identityOf } from './model/connection.js';
import { OccupancyTracker } from './use-cases/occupancy-tracker.js';
import type { ClientAction } from './protocol/client-actions.js';
import { RefusalMemory } from './refusal-memory.js';
import type { Caller } from './use-cases/caller.js';
import { Admission } from './use-cases/admission.js';
import { Connect } from './use-cases/connect.js';
import { Disconnect } from './use-cases/disconnect.js';
import { JoinRoom } from './use-cases/join-room.js';
import { LeaveRoom } from './use-cases/leave-room.js';
import { MembershipAnnouncer } from './use-cases/membership-announcer.js';
import { Ping } from './use-cases/ping.js';
import { ReadHistory } from './use-cases/read-history.js';
import { RoomPresence } from './use-cases/room-presence.js';
import { RoomReaction } from './use-cases/room-reaction.js';
import { SetStatus } from './use-cases/set-status.js';
import { MarkRead } from './use-cases/mark-read.js';
import { AmendMessage } from './use-cases/amend-message.js';
import { ReactToMessage, SendReactionSummary } from './use-cases/react-to-message.js';
import { Unread } from './use-cases/unread.js';
import { SendDirectMessage } from './use-cases/send-direct-message.js';
import { SendRoomMessage } from './use-cases/send-room-message.js';
import { Typing } from './use-cases/typing.js';
import { WhoAmI } from './use-cases/who-am-i.js';
import { RemoveMember } from './use-cases/remove-member.js';
import { Bans } from './use-cases/backend/bans.js';
import { Kick } from './use-cases/backend/kick.js';
import { Publish } from './use-cases/backend/publish.js';
import { RoomQueries } from './use-cases/backend/room-queries.js';
import { Moderate } from './use-cases/backend/moderate.js';

export interface ChatPorts {
  readonly connections: ConnectionRegistryPort;
  readonly memberships: RoomMembershipPort;
  readonly messages: MessageLogPort;
  readonly notifier: NotifierPort;
  readonly clock: ClockPort;
  readonly ids: IdGeneratorPort;
  readonly logger: LoggerPort;
  /** Without one, frames are not rate limited (tests of other behaviour, tools). */
  readonly rateLimiter?: RateLimiterPort;
  /** With one, large rooms and broadcasts are handed to queue-fed workers; without, all runs inline. */
  readonly fanOutQueue?: FanOutQueuePort;
  /** Keeps each user's status across connections; without one, a status lasts as long as the memberships. */
  readonly userStatus?: UserStatusPort;
  /** Keeps how far each user has read each conversation; without one, `markRead` and `unread` are unavailable. */
  readonly readMarkers?: ReadMarkersPort;
  /** Counts each room's connections and users; without one, rooms show no occupancy. */
  readonly occupancy?: OccupancyPort;
  /** Keeps reactions to stored messages; without one, `react` is unavailable. */
  readonly reactions?: MessageReactionsPort;
  /** Keeps room bans; without one, nobody is banned and the ban routes answer `unavailable`. */
  readonly bans?: BanPort;
}

export interface Chat {
  /** The gate every client frame passes first (rate limit). */
  readonly admission: Admission;
  readonly janitor: ConnectionJanitor;
  readonly fanOut: FanOutPort;
  /** What a `fanout` worker runs for each job; present when a fan-out queue is configured. */
  readonly deliverShard?: DeliverShard;
  readonly connect: Connect;
  readonly disconnect: Disconnect;
  readonly join: JoinRoom;
  readonly leave: LeaveRoom;
  readonly sendMessage: SendRoomMessage;
  readonly sendDirect: SendDirectMessage;
  /** Edits and deletes, by their senders (and by backends through `backend.amend`). */
  readonly amend: AmendMessage;
  readonly react: ReactToMessage;
  /** What a `fanout` worker runs for a reaction summary job. */
  readonly reactionSummary: SendReactionSummary;
  readonly history: ReadHistory;
  readonly presence: RoomPresence;
  readonly typing: Typing;
  readonly roomReaction: RoomReaction;
  readonly setStatus: SetStatus;
  readonly markRead: MarkRead;
  readonly unread: Unread;
  readonly ping: Ping;
  readonly whoami: WhoAmI;
  /** Moderators take users out of rooms; bans reuse it. */
  readonly removeMember: RemoveMember;
  /** What backends may do, through the HTTP API and the CLI. */
  readonly backend: {
    readonly publish: Publish;
    readonly rooms: RoomQueries;
    readonly kick: Kick;
    readonly moderate: Moderate;
    readonly bans: Bans;
  };
}

export interface CreateChatOptions {
  /** Replaces the default paged strategy, for example with one that shards a huge room across workers. */
  readonly fanOut?: FanOutPort;
  /** Wraps whichever strategy is used, for example to publish metrics about every fan-out. */
  readonly decorateFanOut?: (inner: FanOutPort) => FanOutPort;
}

/** Builds the use cases; only the fan-out strategy can be swapped, everything else stays as it is. */
export function createChat(ports: ChatPorts, policy: ChatPolicy, options: CreateChatOptions = {}): Chat {
  // The announcer needs the fan-out, which needs the janitor: the janitor reaches it once it exists.
  const later: { announcer?: MembershipAnnouncer } = {};
  const janitor = new ConnectionJanitor({
    ...ports,
    graceMs: policy.handshakeGraceMs,
    afterGone: async (removed) => {
      await Promise.all(removed.map((m) => later.announcer?.vanished(m.room, identityOf(m))));
    },
  });
  const pool = { ...ports, janitor, concurrency: policy.fanOutConcurrency, pageSize: policy.membersPageSize };
  const queue = ports.fanOutQueue;
  // With workers to hand them to, recipients an inline fan-out cannot serve in its time go to them.
  const inline = new PagedFanOut(
    queue === undefined
      ? pool
      : {
          ...pool,
          overflow: {
            afterMs: policy.fanOutInlineBudgetMs,
            handOff: (recipients, event) => queue.enqueue(listedJobs(recipients, event)),
          },
        },
  );
  const strategy =
    options.fanOut ??
    (queue === undefined
      ? inline
      : new ShardedFanOut({
          ...ports,
          inline,
          queue,
          inlineMax: policy.fanOutInlineMax,
          shapeCacheMs: policy.roomShapeCacheMs,
        }));
  const fanOut = options.decorateFanOut === undefined ? strategy : options.decorateFanOut(strategy);
  const occupancy = new OccupancyTracker({ ...ports, fanOut });
  const announcer = new MembershipAnnouncer({
    memberships: ports.memberships,
    fanOut,
    maxMembers: policy.announceMaxMembers,
    occupancy,
  });
  later.announcer = announcer;
  // One memory per chat, and a function builds one chat per stage: refusals are remembered per container.
  const refusals = ports.rateLimiter === undefined ? undefined : new RefusalMemory(ports.clock);
  const deps = { ...ports, fanOut, announcer, janitor, policy, refusals };
  const amend = new AmendMessage(deps);
  const removeMember = new RemoveMember(deps);
  return {
    admission: new Admission(deps),
    janitor,
    fanOut,
    ...(queue === undefined
      ? {}
      : { deliverShard: new DeliverShard({ ...pool, queue, deliveriesPerJob: policy.deliveriesPerJob }) }),
    connect: new Connect(deps),
    disconnect: new Disconnect(deps),
    join: new JoinRoom(deps),
    leave: new LeaveRoom(deps),
    sendMessage: new SendRoomMessage(deps),
    sendDirect: new SendDirectMessage(deps),
    amend,
    react: new ReactToMessage(deps),
    reactionSummary: new SendReactionSummary(deps),
    history: new ReadHistory(deps),
    presence: new RoomPresence(deps),
    typing: new Typing(deps),
    roomReaction: new RoomReaction(deps),
    setStatus: new SetStatus(deps),
    markRead: new MarkRead(deps),
    unread: new Unread(deps),
    ping: new Ping(deps),
    whoami: new WhoAmI(deps),
    removeMember,
    backend: {
      publish: new Publish(deps),
      rooms: new RoomQueries(deps),
      kick: new Kick(deps),
      moderate: new Moderate(amend),
      bans: new Bans(deps, removeMember),
    },
  };
}

/**
 * Runs the use case a parsed action asks for (the message function's one entry point). `admitted` is the
 * frame's admission (rate limits), already under way: `sendMessage`, `sendDirect` and `join` start the reads
 * that do not depend on it alongside and wait for it before any refusal, write or reply; every other action
 * waits for it first.
 */
export async function dispatch(
  chat: Chat,
  caller: Caller,
  action: ClientAction,
  admitted: Promise<void> = Promise.resolve(),
): Promise<unknown> {
  if (action.action === 'sendMessage') return chat.sendMessage.execute(caller, action, admitted);
  if (action.action === 'sendDirect') return chat.sendDirect.execute(caller, action, admitted);
  if (action.action === 'join') return chat.join.execute(caller, action, admitted);
  await admitted;
  switch (action.action) {
    case 'leave':
      return chat.leave.execute(caller, action);
    case 'editMessage':
    case 'deleteMessage':
      return chat.amend.execute(caller, action);
    case 'react':
      return chat.react.execute(caller, action);
    case 'history':
      return chat.history.execute(caller, action);
    case 'presence':
      return chat.presence.execute(caller, action);
    case 'typing':
      return chat.typing.execute(caller, action);
    case 'roomReaction':
      return chat.roomReaction.execute(caller, action);
    case 'setStatus':
      return chat.setStatus.execute(caller, action);
    case 'markRead':
      return chat.markRead.execute(caller, action);
    case 'unread':
      return chat.unread.execute(caller, action);
    case 'ping':
      return chat.ping.execute(caller, action);
    case 'whoami':
      return chat.whoami.execute(caller, action);
    case 'removeMember':
      return chat.removeMember.execute(caller, action);
  }
}
