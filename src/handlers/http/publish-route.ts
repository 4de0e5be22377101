// Driving side: the two publish routes differ only in their target (a room or a user), so they share
// one body reader and one answer shape.

import { parseClientMsgIdField, type Chat, type PublishResult } from '../../domain/index.js';
import { apiRoute, bodyObject, json } from './api-route.js';
import type { HttpEvent } from './http-event.js';

type Input = Parameters<Chat['backend']['publish']['toRoom']>[1];

export function publishRoute<T extends string>(
  target: (event: HttpEvent) => { key: 'room' | 'user'; value: T },
  publish: (chat: Chat, value: T, input: Input) => Promise<PublishResult>,
) {
  return apiRoute(
    async (chat, event) => {
      const { key, value } = target(event);
      const body = bodyObject(event);
      const clientMsgId = parseClientMsgIdField(body['clientMsgId']);
      const result = await publish(chat, value, {
        text: body['text'],
        from: body['from'],
        clientMsgId,
      });
      return json(result.duplicate ? 200 : 201, {
        [key]: value,
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
}
