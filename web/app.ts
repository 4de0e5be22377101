// Web page: the chat page `make dev` serves, built on the client SDK and bundled by the web server with
// esbuild. Sign in with a name, then rooms, members, typing, direct messages and the connection status.

import { RoomcastClient, RoomcastError, type ConnectionState } from '../src/client/index.js';
import { Conversations, roomKey, type Conversation, type ShownMessage } from './conversations.js';
import { byId, clear, el } from './dom.js';
import { TypingTracker } from './typing-tracker.js';

interface PageConfig {
  readonly wsUrl: string;
  readonly anonymous: boolean;
}

const STATUS_TEXT: Readonly<Record<ConnectionState, string>> = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Offline',
};
const ROOM_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const LOBBY = 'lobby';
/** Typing signals are repeated at most this often while the user keeps typing. */
const TYPING_EVERY_MS = 3_000;

/** A dev user id from a display name: the protocol allows `A-Z a-z 0-9 @ . _ : | + = -`. */
function userIdFor(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return slug === '' ? 'user' : slug;
}

async function fetchJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

function timeOf(sentAt: number): HTMLTimeElement {
  const date = new Date(sentAt);
  const shown = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return el('time', { datetime: date.toISOString(), title: date.toLocaleString() }, shown);
}

class ChatPage {
  private readonly conversations = new Conversations();
  private readonly typing = new TypingTracker((room) => {
    if (this.conversations.active === roomKey(room)) this.renderTyping();
  });
  private typingSentAt = 0;

  private readonly status = byId('status');
  private readonly banner = byId('banner');
  private readonly me = byId('me');
  private readonly rooms = byId<HTMLUListElement>('rooms');
  private readonly directs = byId<HTMLUListElement>('directs');
  private readonly title = byId('conversation-title');
  private readonly leave = byId<HTMLButtonElement>('leave');
  private readonly messages = byId<HTMLOListElement>('messages');
  private readonly older = byId<HTMLButtonElement>('older');
  private readonly typingLine = byId('typing');
  private readonly members = byId<HTMLUListElement>('members');
  private readonly membersTitle = byId('members-title');
  private readonly notice = byId('notice');
  private readonly composer = byId<HTMLFormElement>('composer');
  private readonly text = byId<HTMLInputElement>('text');

  constructor(private readonly client: RoomcastClient) {
    client.on('state', ({ state }) => this.renderStatus(state));
    client.on('identity', (identity) => {
      this.me.textContent = `Signed in as ${identity.user.displayName}`;
      this.me.title = `user id ${identity.user.userId}`;
    });
    client.on('message', ({ message }) => {
      this.show(roomKey(message.room), {
        seq: message.seq,
        fromId: message.from.userId,
        fromName: message.from.displayName,
        text: message.text,
        sentAt: message.sentAt,
      });
    });
    client.on('direct', ({ message, peer }) => {
      const mine = message.from.userId === client.identity?.userId;
      const conversation = this.conversations.ensure('direct', peer, mine ? peer : message.from.displayName);
      if (!mine) conversation.title = message.from.displayName;
      this.show(conversation.key, {
        seq: message.seq,
        fromId: message.from.userId,
        fromName: message.from.displayName,
        text: message.text,
        sentAt: message.sentAt,
      });
    });
    client.on('presence', ({ room }) => {
      if (this.conversations.active === roomKey(room)) this.renderMembers();
    });
    client.on('typing', ({ room, user, isTyping }) => {
      if (user.userId !== client.identity?.userId)
        this.typing.update(room, user.userId, user.displayName, isTyping);
    });
    client.on('error', (event) => {
      // Typing signals are fire and forget: being told to slow them down is not news for the user.
      if (event.code !== 'rate_limited') this.say(`The service said: ${event.message}`);
    });
    this.wireForms();
  }

  start(): void {
    this.renderStatus(this.client.state);
    this.client.connect();
    void this.openRoom(LOBBY);
  }

  // --- actions -------------------------------------------------------------------------------------

  private async openRoom(room: string): Promise<void> {
    const conversation = this.conversations.ensure('room', room, `#${room}`);
    this.activate(conversation.key);
    try {
      await this.client.joinRoom(room);
    } catch (error) {
      this.conversations.remove(conversation.key);
      this.say(`Could not join #${room}: ${error instanceof Error ? error.message : String(error)}`);
      this.activate(roomKey(LOBBY));
    }
    if (this.conversations.active === conversation.key) this.renderMembers();
  }

  private async leaveRoom(room: string): Promise<void> {
    this.conversations.remove(roomKey(room));
    this.activate(roomKey(LOBBY));
    await this.client.leaveRoom(room).catch(() => undefined);
  }

  private openDirect(peer: string, name: string): void {
    const conversation = this.conversations.ensure('direct', peer, name);
    this.activate(conversation.key);
    void this.client.openDirect(peer);
  }

  private async send(conversation: Conversation, text: string, clientMsgId?: string): Promise<void> {
    const options = clientMsgId === undefined ? {} : { clientMsgId };
    try {
      if (conversation.kind === 'room') await this.client.send(conversation.target, text, options);
      else await this.client.sendDirect(conversation.target, text, options);
      this.say('');
    } catch (error) {
      const reason = error instanceof RoomcastError ? error.code.replace(/_/g, ' ') : String(error);
      // The retry reuses the message's clientMsgId: the service never stores it twice.
      const retryId = error instanceof RoomcastError ? error.clientMsgId : undefined;
      this.say(`Not sent (${reason}): “${text}”`, () => void this.send(conversation, text, retryId));
    }
  }

  private async loadOlder(conversation: Conversation): Promise<void> {
    const first = conversation.messages[0]?.seq;
    if (first === undefined) return;
    const target =
      conversation.kind === 'room' ? { room: conversation.target } : { with: conversation.target };
    const page = await this.client.history(target, { before: first, limit: 50 });
    this.conversations.prepend(
      conversation.key,
      page.messages.map((m) => ({
        seq: m.seq,
        fromId: m.from.userId,
        fromName: m.from.displayName,
        text: m.text,
        sentAt: m.sentAt,
      })),
      page.hasMore,
    );
    if (this.conversations.active === conversation.key) this.renderMessages(false);
  }

  private signalTyping(): void {
    const conversation = this.activeConversation();
    if (conversation?.kind !== 'room') return;
    const now = Date.now();
    if (this.text.value.trim() === '') {
      if (this.typingSentAt !== 0) this.client.typing(conversation.target, false);
      this.typingSentAt = 0;
    } else if (now - this.typingSentAt > TYPING_EVERY_MS) {
      this.client.typing(conversation.target, true);
      this.typingSentAt = now;
    }
  }

  private wireForms(): void {
    byId<HTMLFormElement>('join-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const input = byId<HTMLInputElement>('room-name');
      const room = input.value.trim().replace(/^#/, '');
      if (!ROOM_PATTERN.test(room)) {
        this.say('A room name is a letter or digit, then letters, digits, “_”, “.” or “-” (64 at most).');
        input.focus();
        return;
      }
      input.value = '';
      void this.openRoom(room);
      this.text.focus();
    });
    this.composer.addEventListener('submit', (event) => {
      event.preventDefault();
      const conversation = this.activeConversation();
      const text = this.text.value;
      if (conversation === undefined || text.trim() === '') return;
      this.text.value = '';
      if (conversation.kind === 'room' && this.typingSentAt !== 0)
        this.client.typing(conversation.target, false);
      this.typingSentAt = 0;
      void this.send(conversation, text);
    });
    this.text.addEventListener('input', () => this.signalTyping());
    this.leave.addEventListener('click', () => {
      const conversation = this.activeConversation();
      if (conversation?.kind === 'room') void this.leaveRoom(conversation.target);
    });
    this.older.addEventListener('click', () => {
      const conversation = this.activeConversation();
      if (conversation !== undefined) void this.loadOlder(conversation);
    });
    byId('sign-out').addEventListener('click', () => {
      this.client.close();
      window.location.reload();
    });
  }

  // --- rendering -----------------------------------------------------------------------------------

  private activeConversation(): Conversation | undefined {
    const key = this.conversations.active;
    return key === undefined ? undefined : this.conversations.get(key);
  }

  private activate(key: string): void {
    this.conversations.activate(key);
    this.typingSentAt = 0;
    this.renderSidebar();
    this.renderConversation();
  }

  private show(key: string, message: ShownMessage): void {
    if (this.conversations.get(key) === undefined) return;
    this.conversations.append(key, message);
    if (this.conversations.active === key) {
      this.messages.append(this.messageItem(message));
      this.renderOlder();
      this.scrollToEnd();
    } else {
      this.renderSidebar();
    }
  }

  private renderStatus(state: ConnectionState): void {
    this.status.textContent = STATUS_TEXT[state];
    this.status.dataset['state'] = state;
    this.banner.hidden = state !== 'reconnecting';
  }

  private renderSidebar(): void {
    const item = (conversation: Conversation) => {
      const current = conversation.key === this.conversations.active;
      const button = el(
        'button',
        { type: 'button', className: 'conversation-link', 'aria-current': current ? 'true' : undefined },
        el('span', { className: 'name' }, conversation.title),
        conversation.unread > 0
          ? el(
              'span',
              { className: 'badge', 'aria-label': `${conversation.unread} unread` },
              String(conversation.unread),
            )
          : null,
      );
      button.addEventListener('click', () => {
        this.activate(conversation.key);
        this.text.focus();
      });
      return el('li', {}, button);
    };
    this.rooms.replaceChildren(...this.conversations.list('room').map(item));
    const directs = this.conversations.list('direct');
    this.directs.replaceChildren(
      ...(directs.length === 0
        ? [el('li', { className: 'empty' }, 'Pick someone under “Online” to write to them.')]
        : directs.map(item)),
    );
  }

  private renderConversation(): void {
    const conversation = this.activeConversation();
    this.title.textContent = conversation?.title ?? '';
    this.leave.hidden = conversation?.kind !== 'room' || conversation.target === LOBBY;
    this.text.placeholder = conversation === undefined ? '' : `Message ${conversation.title}`;
    this.renderMessages(true);
    this.renderTyping();
    this.renderMembers();
  }

  private renderMessages(toEnd: boolean): void {
    const conversation = this.activeConversation();
    this.messages.replaceChildren(...(conversation?.messages ?? []).map((m) => this.messageItem(m)));
    this.renderOlder();
    if (toEnd) this.scrollToEnd();
  }

  private renderOlder(): void {
    const conversation = this.activeConversation();
    this.older.hidden =
      conversation === undefined || conversation.complete || conversation.messages.length === 0;
  }

  private messageItem(message: ShownMessage): HTMLLIElement {
    const mine = message.fromId === this.client.identity?.userId;
    return el(
      'li',
      { className: mine ? 'message mine' : 'message', 'data-seq': String(message.seq) },
      el(
        'div',
        { className: 'meta' },
        el('span', { className: 'from' }, message.fromName),
        ' ',
        timeOf(message.sentAt),
      ),
      el('p', { className: 'text' }, message.text),
    );
  }

  private renderTyping(): void {
    const conversation = this.activeConversation();
    this.typingLine.textContent =
      conversation?.kind === 'room' ? this.typing.describe(conversation.target) : '';
  }

  private renderMembers(): void {
    const conversation = this.activeConversation();
    clear(this.members);
    if (conversation === undefined) return;
    if (conversation.kind === 'direct') {
      this.membersTitle.textContent = 'Conversation';
      this.members.append(el('li', {}, `You and ${conversation.title}`));
      return;
    }
    const list = this.client.members(conversation.target);
    this.membersTitle.textContent = `Online in ${conversation.title} (${list.length})`;
    const myId = this.client.identity?.userId;
    for (const member of list) {
      const you = member.userId === myId;
      const entry = el(
        'li',
        { className: 'member', 'data-user': member.userId },
        el('span', { className: 'presence-dot', 'aria-hidden': 'true' }),
        el('span', { className: 'name' }, you ? `${member.displayName} (you)` : member.displayName),
      );
      if (!you) {
        const write = el(
          'button',
          { type: 'button', className: 'dm', 'aria-label': `Message ${member.displayName}` },
          'Message',
        );
        write.addEventListener('click', () => {
          this.openDirect(member.userId, member.displayName);
          this.text.focus();
        });
        entry.append(write);
      }
      this.members.append(entry);
    }
  }

  private say(text: string, retry?: () => void): void {
    clear(this.notice);
    if (text === '') return;
    this.notice.append(text);
    if (retry !== undefined) {
      const button = el('button', { type: 'button' }, 'Retry');
      button.addEventListener('click', retry);
      this.notice.append(' ', button);
    }
  }

  private scrollToEnd(): void {
    this.messages.scrollTop = this.messages.scrollHeight;
  }
}

async function main(): Promise<void> {
  const config = await fetchJson<PageConfig>('/config.json');
  byId('wscat').textContent = config.anonymous
    ? `npx wscat -c "${config.wsUrl}?name=Alice"`
    : `npx wscat -c "${config.wsUrl}?token=$(curl -s '${window.location.origin}/dev/token?user=alice&name=Alice' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')"`;
  const form = byId<HTMLFormElement>('signin-form');
  const input = byId<HTMLInputElement>('name');
  input.value = new URLSearchParams(window.location.search).get('name') ?? '';
  input.focus();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = input.value.trim();
    if (name === '') return;
    const userId = userIdFor(name);
    const client = new RoomcastClient({
      url: config.wsUrl,
      // A fresh dev token for every connection attempt; anonymous mode names the user in the query.
      ...(config.anonymous
        ? { query: { name } }
        : {
            token: async () =>
              (
                await fetchJson<{ token: string }>(
                  `/dev/token?user=${encodeURIComponent(userId)}&name=${encodeURIComponent(name)}`,
                )
              ).token,
          }),
    });
    byId('signin').hidden = true;
    byId('chat').hidden = false;
    byId('sign-out').hidden = false;
    new ChatPage(client).start();
    byId<HTMLInputElement>('text').focus();
  });
}

main().catch((error: unknown) => {
  byId('signin-error').textContent = `The page could not start: ${String(error)}`;
});
