// Lambda entry for `POST /broadcast`: a notice to every live connection, with stale cleanup.

import { apiRoute, bodyObject, json } from '../http/api-route.js';

export const handler = apiRoute(
  async (chat, event) => {
    const body = bodyObject(event);
    const { notice, fanOut } = await chat.backend.publish.toEveryone({
      text: body['text'],
      from: body['from'],
    });
    return json(200, {
      messageId: notice.messageId,
      recipients: fanOut.recipients,
      delivered: fanOut.delivered,
      gone: fanOut.gone,
      failed: fanOut.failed,
      complete: fanOut.complete,
    });
  },
  { body: true },
);
