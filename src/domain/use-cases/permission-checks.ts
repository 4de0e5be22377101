// Use-case helper: the refusals that come from the caller's permission claims and from room bans, each
// a `forbidden` error about the caller alone (nothing about other users is revealed).

import { mayEnter, mayWrite } from '../model/permissions.js';
import type { RoomName } from '../model/room.js';
import { ChatError } from '../protocol/errors.js';
import type { Caller } from './caller.js';

/** Refuses a room outside the caller's room patterns, or one the caller is banned from. */
export function requireMayEnter(caller: Caller, room: RoomName, banned: boolean | undefined): void {
  if (!mayEnter(caller.permissions, room)) {
    throw new ChatError('forbidden', `You may not enter "${room}"`, { room });
  }
  if (banned === true) throw new ChatError('forbidden', `You are banned from "${room}"`, { room });
}

/** Refuses a read-only caller; `what` names the refused act ("send messages"). */
export function requireMayWrite(caller: Caller, what: string): void {
  if (!mayWrite(caller.permissions)) {
    throw new ChatError('forbidden', `A read-only user may not ${what}`);
  }
}
