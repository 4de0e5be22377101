// Lambda entry for `DELETE /rooms/{room}/bans/{user}`: lifts a user's ban from a room.

import { apiRoute, json, roomParameter, userParameter } from '../http/api-route.js';

export const handler = apiRoute(
  async (chat, event) => {
    const room = roomParameter(event);
    const user = userParameter(event);
    const { unbanned } = await chat.backend.bans.unban(room, user);
    return json(200, { room, user, banned: false, unbanned });
  },
  { body: false },
);
