// Lambda entry for `$default`: frames no other route took. Non-JSON gets `invalid_json`, an unknown
// action `unknown_action` (listing the valid ones); a known action is served all the same, so an API
// deployed with only `$default` still works.

import { decodeFrame, dispatch, parseClientAction } from '../../domain/index.js';
import { chatRoute } from '../runtime/chat-route.js';

export const handler = chatRoute(
  ({ chat, caller, body }) =>
    dispatch(chat, caller, parseClientAction(decodeFrame(body as string | undefined))),
  { parseJson: false },
);
