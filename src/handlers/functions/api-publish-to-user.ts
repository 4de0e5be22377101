// Lambda entry for `POST /users/{user}/messages`: a backend writes to every connection of a user.

import { ChatError, isClientMsgId } from '../../domain/index.js';
import { apiRoute, bodyObject, json, userParameter } from '../http/api-route.js';

export const handler = apiRoute(
  async (chat, event) => {
    const user = userParameter(event);
    const body = bodyObject(event);
    const clientMsgId = body['clientMsgId'];
    if (clientMsgId !== undefined && !isClientMsgId(clientMsgId)) {
      throw new ChatError(
        'invalid_request',
        '"clientMsgId" must be 1-64 letters, digits, "_", ".", ":" or "-"',
      );
    }
    const result = await chat.backend.publish.toUser(user, {
      text: body['text'],
      from: body['from'],
      ...(clientMsgId === undefined ? {} : { clientMsgId }),
    });
    return json(result.duplicate ? 200 : 201, {
      user,
      seq: result.message.seq,
      messageId: result.message.messageId,
      duplicate: result.duplicate,
      delivered: result.fanOut?.delivered ?? 0,
      gone: result.fanOut?.gone ?? 0,
      failed: result.fanOut?.failed ?? 0,
    });
  },
  { body: true },
);
