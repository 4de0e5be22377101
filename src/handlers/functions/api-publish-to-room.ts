// Lambda entry for `POST /rooms/{room}/messages`: a backend posts into a room, stored and fanned out.

import { roomParameter } from '../http/api-route.js';
import { publishRoute } from '../http/publish-route.js';

export const handler = publishRoute(
  (event) => ({ key: 'room', value: roomParameter(event) }),
  (chat, room, input) => chat.backend.publish.toRoom(room, input),
);
