// Lambda entry for the `sendMessage` route: API Gateway -> Middy chain -> the send-room-message use case.

import { actionRoute } from '../runtime/chat-route.js';

export const handler = actionRoute('sendMessage');
