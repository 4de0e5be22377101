// Unit: how the CLI prints history entries on a terminal: messages (edited, deleted), change entries,
// and text that must not drive the terminal.

import { describe, expect, it } from '@jest/globals';
import { messageLine } from '../../src/cli/message-lines.js';

const at = Date.UTC(2026, 10, 30, 15, 20, 7);
const ada = { displayName: 'Ada' };

describe('the CLI message lines', () => {
  it('show a message, marked when edited, and a tombstone when deleted', () => {
    expect(messageLine({ seq: 12, sentAt: at, from: ada, text: 'hello' })).toBe(
      '#12 2026-11-30 15:20:07 Ada: hello',
    );
    expect(messageLine({ seq: 12, sentAt: at, from: ada, text: 'hello!', editedAt: at + 1 })).toBe(
      '#12 2026-11-30 15:20:07 Ada: hello! (edited)',
    );
    expect(messageLine({ seq: 12, sentAt: at, from: ada, text: '', editedAt: at, deletedAt: at + 2 })).toBe(
      '#12 2026-11-30 15:20:07 Ada: (deleted)',
    );
  });

  it('show edit and delete entries with who changed which message', () => {
    const by = { displayName: 'Mods' };
    expect(messageLine({ seq: 14, type: 'message_updated', at, by, target: 12, text: 'fixed' })).toBe(
      '#14 2026-11-30 15:20:07 Mods edited #12: fixed',
    );
    expect(messageLine({ seq: 15, type: 'message_deleted', at, by, target: 12 })).toBe(
      '#15 2026-11-30 15:20:07 Mods deleted #12',
    );
  });

  it('spell out control characters and bidi overrides in names and texts', () => {
    const line = messageLine({
      seq: 1,
      sentAt: at,
      from: { displayName: 'E\u202eve' },
      text: 'a\nb\u001b[2J',
    });
    expect(line).toBe('#1 2026-11-30 15:20:07 E\\u202eve: a\\nb\\u001b[2J');
  });
});
