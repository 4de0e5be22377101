// Lambda entry for `GET /rooms/{room}/members`: who is in a room, one entry per user.

import { apiRoute, json, roomParameter } from '../http/api-route.js';

export const handler = apiRoute(
  async (chat, event) => json(200, await chat.backend.rooms.members(roomParameter(event))),
  {
    body: false,
  },
);
