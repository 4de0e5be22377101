// Example: a React chat room on @roomcast/client/react, written with createElement (no JSX build step).
// The page reads the service's URL and a token from its address; see README.md for running it.

import type { RoomMessageEvent } from '@roomcast/client';
import {
  RoomcastProvider,
  useConnection,
  usePresence,
  useRoom,
  useRoomReactions,
  useTyping,
  useUnread,
  type OutgoingMessage,
} from '@roomcast/client/react';
import {
  createElement as h,
  StrictMode,
  useState,
  type ChangeEvent,
  type FormEvent,
  type ReactElement,
} from 'react';
import { createRoot } from 'react-dom/client';

const params = new URLSearchParams(location.search);
const ROOM = params.get('room') ?? 'general';
const PAGE_SIZE = Number(params.get('page') ?? 20);

function Status(): ReactElement {
  const { state, identity, error } = useConnection();
  return h(
    'p',
    { id: 'status', 'data-state': state },
    `${state}${identity === undefined ? '' : ` as ${identity.displayName}`}`,
    error === undefined ? null : h('span', { className: 'error' }, ` (${error.message})`),
  );
}

function Members({ room }: { room: string }): ReactElement {
  const { members } = usePresence(room);
  return h(
    'ul',
    { id: 'members', 'aria-label': 'Members' },
    members.map((member) => h('li', { key: member.userId, className: 'member' }, member.displayName)),
  );
}

function TypingLine({ names }: { names: readonly string[] }): ReactElement {
  const text =
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : `${names.join(', ')} are typing…`;
  return h('p', { id: 'typing', 'aria-live': 'polite' }, text);
}

function Message({ message, send }: { message: RoomMessageEvent; send: OutgoingMessage | undefined }) {
  return h(
    'li',
    {
      className: 'message',
      'data-seq': message.seq,
      'data-client-msg-id': send?.clientMsgId,
      'data-status': send?.status,
    },
    h('b', null, message.from.displayName),
    ' ',
    message.deletedAt === undefined
      ? h('span', { className: 'text' }, message.text)
      : h('span', { className: 'text deleted' }, '(deleted)'),
    message.editedAt === undefined || message.deletedAt !== undefined
      ? null
      : h('span', { className: 'edited' }, ' (edited)'),
  );
}

/** Reactions to the room as a whole: a button to clap, and the latest ones (this user's too). */
function Reactions({ room }: { room: string }): ReactElement {
  const { reactions, react } = useRoomReactions(room);
  return h(
    'div',
    null,
    h('button', { type: 'button', id: 'clap', onClick: () => react('👏') }, '👏'),
    h(
      'ul',
      { id: 'reactions' },
      reactions.map((shown) =>
        h('li', { key: shown.id, className: 'reaction' }, `${shown.user.displayName} ${shown.reaction}`),
      ),
    ),
  );
}

/** Unread counts of the followed conversations, and marking this room read up to its last message. */
function Unread({ room, lastSeq }: { room: string; lastSeq: number | undefined }): ReactElement {
  const { conversations, markRead } = useUnread();
  return h(
    'div',
    null,
    h(
      'button',
      {
        type: 'button',
        id: 'mark-read',
        disabled: lastSeq === undefined,
        onClick: () => void markRead({ room }, lastSeq ?? 0),
      },
      'Mark read',
    ),
    h(
      'ul',
      { id: 'unread' },
      conversations.map((entry) => {
        const name = entry.room ?? `@${entry.with ?? ''}`;
        return h(
          'li',
          { key: name, 'data-name': name, 'data-unread': entry.unread },
          `${name}: ${entry.unread}`,
        );
      }),
    ),
  );
}

/** A send not delivered yet: pending, acked (the message is on its way) or failed with a retry button. */
function Outgoing({ send, retry }: { send: OutgoingMessage; retry: (clientMsgId: string) => void }) {
  return h(
    'li',
    { className: 'message outgoing', 'data-client-msg-id': send.clientMsgId, 'data-status': send.status },
    h('span', { className: 'text' }, send.text),
    send.status === 'failed'
      ? h(
          'span',
          { className: 'error' },
          ` ${send.error?.code ?? 'failed'} `,
          h('button', { type: 'button', onClick: () => retry(send.clientMsgId) }, 'Retry'),
        )
      : h('span', { className: 'status' }, ` (${send.status})`),
  );
}

function RoomView({ room }: { room: string }): ReactElement {
  const { status, error, messages, sends, hasMore, loadingOlder, send, retry, loadOlder } = useRoom(room);
  const { typing, notifyTyping, stopTyping } = useTyping(room);
  const [draft, setDraft] = useState('');
  const sentBySeq = new Map(sends.flatMap((s) => (s.ack === undefined ? [] : [[s.ack.seq, s] as const])));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim() === '') return;
    send(draft);
    setDraft('');
  };

  return h(
    'section',
    { id: 'room', 'data-status': status },
    h('h2', null, `#${room}`),
    error === undefined ? null : h('p', { className: 'error' }, error.message),
    h(Members, { room }),
    hasMore
      ? h(
          'button',
          { type: 'button', id: 'older', disabled: loadingOlder, onClick: () => void loadOlder() },
          'Load older',
        )
      : null,
    h(
      'ol',
      { id: 'messages' },
      messages.map((message) => h(Message, { key: message.seq, message, send: sentBySeq.get(message.seq) })),
      sends.filter((s) => !s.delivered).map((s) => h(Outgoing, { key: s.clientMsgId, send: s, retry })),
    ),
    h(TypingLine, { names: typing.map((user) => user.displayName) }),
    h(Reactions, { room }),
    h(Unread, { room, lastSeq: messages.at(-1)?.seq }),
    h(
      'form',
      { onSubmit: submit },
      h('input', {
        'aria-label': 'Message',
        value: draft,
        onChange: (event: ChangeEvent<HTMLInputElement>) => {
          setDraft(event.target.value);
          if (event.target.value === '') stopTyping();
          else notifyTyping();
        },
      }),
      h('button', { type: 'submit' }, 'Send'),
    ),
  );
}

function App(): ReactElement {
  const [open, setOpen] = useState(true);
  return h(
    'main',
    null,
    h(Status),
    h(
      'button',
      { type: 'button', id: 'toggle', onClick: () => setOpen(!open) },
      open ? 'Leave room' : 'Open room',
    ),
    open ? h(RoomView, { room: ROOM }) : null,
  );
}

const token = params.get('token');
const name = params.get('name');
const options = {
  url: params.get('url') ?? 'ws://localhost:3001/local',
  ...(token === null ? {} : { token }),
  // A service in anonymous mode takes the display name from the query string.
  ...(name === null ? {} : { query: { name } }),
  recentMessages: Number(params.get('recent') ?? 50),
};

createRoot(document.getElementById('app') as HTMLElement).render(
  h(StrictMode, null, h(RoomcastProvider, { options, settings: { historyPageSize: PAGE_SIZE } }, h(App))),
);
