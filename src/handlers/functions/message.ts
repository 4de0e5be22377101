// Lambda entry for every WebSocket message route (`$default` and each action's route): API Gateway ->
// Middy chain -> the use case the frame's `action` names. Non-JSON gets `invalid_json`, an unknown action
// `unknown_action` (listing the valid ones). One function for all of them means one pool of warm
// containers and one cold start instead of one per route; the route keys stay, for per-route metrics
// and throttling in API Gateway.

import { decodeFrame, dispatch, parseClientAction } from '../../domain/index.js';
import { chatRoute } from '../runtime/chat-route.js';

export const handler = chatRoute(({ chat, caller, body, admitted }) =>
  dispatch(chat, caller, parseClientAction(decodeFrame(body)), admitted),
);
