// Use cases for backends that moderate: edit or delete any message of a room, as `system` (under the
// display name the backend gives), through the HTTP API and the CLI.
// (HTTP API / CLI) --> moderate --> amend message

import type { RoomName } from '../../model/room.js';
import { roomConversation } from '../../model/message.js';
import type { AmendMessage, AmendResult } from '../amend-message.js';
import { backendSender, backendText } from './backend-sender.js';

export class Moderate {
  constructor(private readonly amend: AmendMessage) {}

  /** Replaces the text of message `seq` of the room; everyone in the room gets `message_updated`. */
  edit(
    room: RoomName,
    seq: number,
    input: { readonly text: unknown; readonly from?: unknown },
  ): Promise<AmendResult> {
    return this.amend.amend({
      conversation: roomConversation(room),
      seq,
      text: backendText(input.text),
      by: backendSender(input.from),
      ownOnly: false,
    });
  }

  /** Deletes message `seq` of the room (its text leaves storage); everyone there gets `message_deleted`. */
  delete(room: RoomName, seq: number, input: { readonly from?: unknown } = {}): Promise<AmendResult> {
    return this.amend.amend({
      conversation: roomConversation(room),
      seq,
      by: backendSender(input.from),
      ownOnly: false,
    });
  }
}
