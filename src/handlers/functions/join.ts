// Lambda entry for the `join` route: API Gateway -> Middy chain -> the `join` use case.

import { actionRoute } from '../runtime/chat-route.js';

export const handler = actionRoute('join');
