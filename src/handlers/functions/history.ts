// Lambda entry for the `history` route: API Gateway -> Middy chain -> the `history` use case.

import { actionRoute } from '../runtime/chat-route.js';

export const handler = actionRoute('history');
