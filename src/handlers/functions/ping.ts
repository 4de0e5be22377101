// Lambda entry for the `ping` route: API Gateway -> Middy chain -> the `ping` use case.

import { actionRoute } from '../runtime/chat-route.js';

export const handler = actionRoute('ping');
