// Lambda entry for the `typing` route: API Gateway -> Middy chain -> the `typing` use case.

import { actionRoute } from '../runtime/chat-route.js';

export const handler = actionRoute('typing');
