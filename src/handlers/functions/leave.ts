// Lambda entry for the `leave` route: API Gateway -> Middy chain -> the `leave` use case.

import { actionRoute } from '../runtime/chat-route.js';

export const handler = actionRoute('leave');
