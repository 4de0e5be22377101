// Lambda entry for the `sendDirect` route: API Gateway -> Middy chain -> the send-direct-message use case.

import { actionRoute } from '../runtime/chat-route.js';

export const handler = actionRoute('sendDirect');
