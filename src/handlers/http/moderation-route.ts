// Driving side: the two moderation routes (edit, delete a room's message) read the same parameters and
// answer in the same shape; only the change differs.

import type { AmendResult, Chat, RoomName } from '../../domain/index.js';
import { apiRoute, json, optionalBodyObject, roomParameter, seqParameter } from './api-route.js';

export function moderationRoute(
  change: (chat: Chat, room: RoomName, seq: number, body: Record<string, unknown>) => Promise<AmendResult>,
) {
  return apiRoute(
    async (chat, event) => {
      const room = roomParameter(event);
      const seq = seqParameter(event);
      const result = await change(chat, room, seq, optionalBodyObject(event));
      return json(200, {
        room,
        type: result.event.type,
        seq: result.event.seq,
        target: result.event.target,
        delivered: result.fanOut.delivered,
        gone: result.fanOut.gone,
        failed: result.fanOut.failed,
      });
    },
    // The body is optional (a delete has none), so the route reads it, not the parser.
    { body: false },
  );
}
