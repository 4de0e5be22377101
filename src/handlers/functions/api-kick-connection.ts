// Lambda entry for `DELETE /connections/{connectionId}`: closes one connection ($disconnect cleans up).

import { apiRoute, connectionParameter } from '../http/api-route.js';

export const handler = apiRoute(
  async (chat, event) => {
    await chat.backend.kick.connection(connectionParameter(event));
    return { statusCode: 204 };
  },
  { body: false },
);
