// Lambda entry for `DELETE /rooms/{room}/messages/{seq}` (no body, or `{ "from" }`): a backend deletes
// any message of a room (moderation).

import { moderationRoute } from '../http/moderation-route.js';

export const handler = moderationRoute((chat, room, seq, body) =>
  chat.backend.moderate.delete(room, seq, { from: body['from'] }),
);
