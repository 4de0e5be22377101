// Lambda entry for `PATCH /rooms/{room}/messages/{seq}` (`{ "text", "from"? }`): a backend edits any
// message of a room (moderation).

import { moderationRoute } from '../http/moderation-route.js';

export const handler = moderationRoute((chat, room, seq, body) =>
  chat.backend.moderate.edit(room, seq, { text: body['text'], from: body['from'] }),
);
