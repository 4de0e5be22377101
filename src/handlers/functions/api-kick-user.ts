// Lambda entry for `DELETE /users/{user}/connections`: closes every connection of a user.

import { apiRoute, json, userParameter } from '../http/api-route.js';

export const handler = apiRoute(
  async (chat, event) => json(200, await chat.backend.kick.user(userParameter(event))),
  {
    body: false,
  },
);
