// Lambda entry for the `presence` route: API Gateway -> Middy chain -> the `presence` use case.

import { actionRoute } from '../runtime/chat-route.js';

export const handler = actionRoute('presence');
