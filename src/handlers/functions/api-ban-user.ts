// Lambda entry for `PUT /rooms/{room}/bans/{user}`: bans a user from a room (joins and sends refused)
// and ends the user's live memberships of it.

import { apiRoute, json, roomParameter, userParameter } from '../http/api-route.js';

export const handler = apiRoute(
  async (chat, event) => {
    const room = roomParameter(event);
    const user = userParameter(event);
    const { removed } = await chat.backend.bans.ban(room, user);
    return json(200, { room, user, banned: true, removed });
  },
  { body: false },
);
