// Lambda entry for `POST /users/{user}/messages`: a backend writes to every connection of a user.

import { userParameter } from '../http/api-route.js';
import { publishRoute } from '../http/publish-route.js';

export const handler = publishRoute(
  (event) => ({ key: 'user', value: userParameter(event) }),
  (chat, user, input) => chat.backend.publish.toUser(user, input),
);
