// Lambda entry for `GET /rooms/{room}/messages?after=&before=&limit=`: a page of a room's history.

import { apiRoute, historyBoundsParameters, json, roomParameter } from '../http/api-route.js';

export const handler = apiRoute(
  async (chat, event) => {
    const bounds = historyBoundsParameters(event);
    const page = await chat.backend.rooms.history(roomParameter(event), bounds);
    return json(200, page);
  },
  { body: false },
);
