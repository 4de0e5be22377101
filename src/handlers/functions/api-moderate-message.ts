// Lambda entry for `PATCH /rooms/{room}/messages/{seq}` (edit: `{ "text", "from"? }`) and
// `DELETE /rooms/{room}/messages/{seq}` (`{ "from"? }` or no body): a backend moderates any message.

import { apiRoute, json, optionalBodyObject, roomParameter, seqParameter } from '../http/api-route.js';

export const handler = apiRoute(
  async (chat, event) => {
    const room = roomParameter(event);
    const seq = seqParameter(event);
    const body = optionalBodyObject(event);
    const result =
      event.requestContext.http.method === 'PATCH'
        ? await chat.backend.moderate.edit(room, seq, { text: body['text'], from: body['from'] })
        : await chat.backend.moderate.delete(room, seq, { from: body['from'] });
    return json(200, {
      room,
      type: result.event.type,
      seq: result.event.seq,
      target: result.event.target,
      delivered: result.fanOut.delivered,
      gone: result.fanOut.gone,
      failed: result.fanOut.failed,
    });
  },
  // The body is optional (a delete has none), so it is read by the route, not by the parser.
  { body: false },
);
