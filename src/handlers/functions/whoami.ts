// Lambda entry for the `whoami` route: API Gateway -> Middy chain -> the `whoami` use case.

import { actionRoute } from '../runtime/chat-route.js';

export const handler = actionRoute('whoami');
