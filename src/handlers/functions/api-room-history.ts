// Lambda entry for `GET /rooms/{room}/messages?after=&before=&limit=`: a page of a room's history.

import { ChatError } from '../../domain/index.js';
import { apiRoute, integerParameter, json, roomParameter } from '../http/api-route.js';

export const handler = apiRoute(
  async (chat, event) => {
    const after = integerParameter(event, 'after');
    const before = integerParameter(event, 'before');
    const limit = integerParameter(event, 'limit', 1);
    if (after !== undefined && before !== undefined && before <= after + 1) {
      throw new ChatError('invalid_request', '"before" must be greater than "after" + 1', {
        field: 'before',
      });
    }
    const page = await chat.backend.rooms.history(roomParameter(event), {
      ...(after === undefined ? {} : { after }),
      ...(before === undefined ? {} : { before }),
      ...(limit === undefined ? {} : { limit }),
    });
    return json(200, page);
  },
  { body: false },
);
