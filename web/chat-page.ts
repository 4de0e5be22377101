// Web page: the signed-in chat. Wires the client's events and the page's forms to what they change
// (conversations, typing) and asks the view to redraw; drawing itself is chat-view.ts.

import {
  deleteMessage,
  editMessage,
  isValidRoomName,
  react,
  setStatus,
  RoomcastError,
  ROOM_NAME_RULE,
  type ReactionSummary,
  type RoomcastClient,
} from '../src/client/index.js';
import { ChatView } from './chat-view.js';
import {
  Conversations,
  directKey,
  roomKey,
  shownOf,
  toShown,
  type Conversation,
  type ShownMessage,
} from './conversations.js';
import { byId } from './dom.js';
import { TypingTracker } from './typing-tracker.js';

/** Typing signals are repeated at most this often while the user keeps typing. */
const TYPING_EVERY_MS = 3_000;

export class ChatPage {
  private readonly conversations = new Conversations();
  private readonly typing = new TypingTracker((room) => {
    if (this.conversations.active === roomKey(room)) this.view.renderTyping();
  });
  private readonly view: ChatView;
  private typingSentAt = 0;
  /** The seq of the message the composer is editing, if it is. */
  private editing: number | undefined;
  /** Each joined room's counts, from its `joined` reply and its `occupancy` events. */
  private readonly occupancy = new Map<string, { users: number; connections: number }>();

  constructor(
    private readonly client: RoomcastClient,
    /** The room every connection is in, opened first; null when the service has none. */
    private readonly lobby: string | null,
  ) {
    this.view = new ChatView(
      this.conversations,
      this.typing,
      client,
      {
        pick: (key) => {
          this.activate(key);
          this.view.text.focus();
        },
        write: (peer, name) => {
          this.openDirect(peer, name);
          this.view.text.focus();
        },
        edit: (message) => {
          // The composer edits the message until it is sent or Escape is pressed.
          this.editing = message.seq;
          this.view.text.value = message.text;
          this.view.text.placeholder = 'Edit the message';
          this.view.text.focus();
        },
        remove: (message) => void this.change(message.seq),
        react: (message, reaction, on) => void this.react(message.seq, reaction, on),
      },
      lobby,
    );
    this.wireClient();
    this.wireForms();
  }

  start(): void {
    this.view.renderStatus(this.client.state);
    this.client.connect();
    if (this.lobby === null) this.activate(undefined);
    else void this.openRoom(this.lobby);
  }

  private wireClient(): void {
    const client = this.client;
    client.on('state', ({ state }) => this.view.renderStatus(state));
    client.on('identity', ({ user }) => this.view.renderIdentity(user));
    client.on('message', ({ message }) => this.show(roomKey(message.room), toShown(message)));
    client.on('direct', ({ message, peer }) => {
      const mine = message.from.userId === client.identity?.userId;
      const conversation = this.conversations.ensure('direct', peer, mine ? peer : message.from.displayName);
      if (!mine) conversation.title = message.from.displayName;
      this.show(conversation.key, toShown(message));
    });
    for (const type of ['message_updated', 'message_deleted'] as const) {
      client.on(type, ({ change, room, peer }) => {
        const key = room !== undefined ? roomKey(room) : directKey(peer ?? '');
        if (this.conversations.amend(key, change) && this.conversations.active === key)
          this.view.renderMessages(false);
      });
    }
    client.on('reactions_updated', ({ room, users, seq, reactions }) => {
      const me = client.identity?.userId;
      const peer = users?.find((user) => user !== me) ?? me ?? '';
      this.showReactions(room !== undefined ? roomKey(room) : directKey(peer), seq, reactions);
    });
    // A large room lists only some members: its counts say how many are there.
    client.on('frame', (frame) => {
      const counts = frame['occupancy'] as { users: number; connections: number } | undefined;
      if (frame['type'] === 'joined' && counts !== undefined) this.countRoom(frame['room'] as string, counts);
    });
    client.on('occupancy', ({ room, users, connections }) => this.countRoom(room, { users, connections }));
    client.on('removed', ({ room, banned }) => {
      const key = roomKey(room);
      this.conversations.remove(key);
      if (this.conversations.active === undefined || this.conversations.active === key) this.activateLobby();
      else this.view.renderSidebar();
      this.view.say(`You were taken out of #${room}${banned ? ' and may not join it again' : ''}.`);
    });
    client.on('presence', ({ room }) => {
      if (this.conversations.active === roomKey(room)) this.view.renderMembers();
    });
    client.on('typing', ({ room, user, isTyping }) => {
      if (user.userId !== client.identity?.userId)
        this.typing.update(room, user.userId, user.displayName, isTyping);
    });
    client.on('error', (event) => {
      // Typing signals are fire and forget: being told to slow them down is not news for the user.
      if (event.code !== 'rate_limited') this.view.say(`The service said: ${event.message}`);
    });
  }

  private wireForms(): void {
    const text = this.view.text;
    byId<HTMLFormElement>('join-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const input = byId<HTMLInputElement>('room-name');
      const room = input.value.trim().replace(/^#/, '');
      if (!isValidRoomName(room)) {
        this.view.say(`A room name is ${ROOM_NAME_RULE}.`);
        input.focus();
        return;
      }
      input.value = '';
      void this.openRoom(room);
      text.focus();
    });
    byId<HTMLFormElement>('composer').addEventListener('submit', (event) => {
      event.preventDefault();
      const conversation = this.conversations.current();
      const message = text.value;
      if (conversation === undefined || message.trim() === '') return;
      text.value = '';
      if (this.editing !== undefined) {
        const seq = this.editing;
        this.stopEditing();
        void this.change(seq, message);
        return;
      }
      if (conversation.kind === 'room' && this.typingSentAt !== 0)
        this.client.typing(conversation.target, false);
      this.typingSentAt = 0;
      void this.send(conversation, message);
    });
    text.addEventListener('input', () => this.signalTyping());
    text.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || this.editing === undefined) return;
      this.stopEditing();
      text.value = '';
    });
    byId('leave').addEventListener('click', () => {
      const conversation = this.conversations.current();
      if (conversation?.kind === 'room') void this.leaveRoom(conversation.target);
    });
    byId('older').addEventListener('click', () => {
      const conversation = this.conversations.current();
      if (conversation !== undefined) void this.loadOlder(conversation);
    });
    byId('status-form').hidden = false;
    byId<HTMLFormElement>('status-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const status = byId<HTMLSelectElement>('my-status').value as 'available' | 'away' | 'busy';
      const words = byId<HTMLInputElement>('status-text').value.trim();
      setStatus(this.client, status, words === '' ? undefined : words).then(
        () => this.view.say(''),
        (error: unknown) =>
          this.view.say(`Status not set: ${error instanceof Error ? error.message : String(error)}`),
      );
    });
    byId('sign-out').addEventListener('click', () => {
      this.client.close();
      window.location.reload();
    });
  }

  private activate(key: string | undefined): void {
    this.conversations.activate(key);
    this.typingSentAt = 0;
    this.editing = undefined;
    this.view.renderSidebar();
    this.view.renderConversation();
    this.renderOccupancy();
  }

  private countRoom(room: string, counts: { users: number; connections: number }): void {
    this.occupancy.set(room, counts);
    if (this.conversations.active === roomKey(room)) this.renderOccupancy();
  }

  private renderOccupancy(): void {
    const conversation = this.conversations.current();
    this.view.renderOccupancy(
      conversation?.kind === 'room' ? this.occupancy.get(conversation.target) : undefined,
    );
  }

  /** Where the page goes when the open room is left or refused. */
  private activateLobby(): void {
    this.activate(this.lobby === null ? undefined : roomKey(this.lobby));
  }

  private show(key: string, message: ShownMessage): void {
    if (this.conversations.get(key) === undefined) return;
    this.conversations.append(key, message);
    if (this.conversations.active === key) this.view.appendMessage(message);
    else this.view.renderSidebar();
  }

  private async openRoom(room: string): Promise<void> {
    const conversation = this.conversations.ensure('room', room, `#${room}`);
    this.activate(conversation.key);
    try {
      await this.client.joinRoom(room);
    } catch (error) {
      this.conversations.remove(conversation.key);
      this.view.say(`Could not join #${room}: ${error instanceof Error ? error.message : String(error)}`);
      this.activateLobby();
    }
    if (this.conversations.active === conversation.key) this.view.renderMembers();
  }

  private async leaveRoom(room: string): Promise<void> {
    this.conversations.remove(roomKey(room));
    this.activateLobby();
    await this.client.leaveRoom(room).catch(() => undefined);
  }

  private openDirect(peer: string, name: string): void {
    const conversation = this.conversations.ensure('direct', peer, name);
    this.activate(conversation.key);
    void this.client.openDirect(peer);
  }

  private async send(conversation: Conversation, text: string, clientMsgId?: string): Promise<void> {
    const options = { clientMsgId };
    try {
      if (conversation.kind === 'room') await this.client.send(conversation.target, text, options);
      else await this.client.sendDirect(conversation.target, text, options);
      this.view.say('');
    } catch (error) {
      const reason = error instanceof RoomcastError ? error.code.replace(/_/g, ' ') : String(error);
      // The retry reuses the message's clientMsgId: the service never stores it twice.
      const retryId = error instanceof RoomcastError ? error.clientMsgId : undefined;
      this.view.say(`Not sent (${reason}): “${text}”`, () => void this.send(conversation, text, retryId));
    }
  }

  private stopEditing(): void {
    this.editing = undefined;
    this.view.renderConversation();
  }

  /** Edits (with `text`) or deletes one of this user's messages in the open conversation. */
  private async change(seq: number, text?: string): Promise<void> {
    const conversation = this.conversations.current();
    if (conversation === undefined) return;
    const target =
      conversation.kind === 'room' ? { room: conversation.target } : { with: conversation.target };
    try {
      if (text === undefined) await deleteMessage(this.client, target, seq);
      else await editMessage(this.client, target, seq, text);
    } catch (error) {
      const reason = error instanceof RoomcastError ? error.code.replace(/_/g, ' ') : String(error);
      this.view.say(`Not ${text === undefined ? 'deleted' : 'edited'} (${reason})`);
    }
  }

  private async react(seq: number, reaction: string, on: boolean): Promise<void> {
    const conversation = this.conversations.current();
    if (conversation === undefined) return;
    const target =
      conversation.kind === 'room' ? { room: conversation.target } : { with: conversation.target };
    try {
      const answer = await react(this.client, target, seq, reaction, on);
      this.showReactions(conversation.key, seq, answer.reactions);
    } catch (error) {
      const reason = error instanceof RoomcastError ? error.code.replace(/_/g, ' ') : String(error);
      this.view.say(`Reaction not saved (${reason})`);
    }
  }

  private showReactions(key: string, seq: number, reactions: readonly ReactionSummary[]): void {
    if (this.conversations.react(key, seq, reactions) && this.conversations.active === key)
      this.view.renderMessages(false);
  }

  private async loadOlder(conversation: Conversation): Promise<void> {
    const first = conversation.messages[0]?.seq;
    if (first === undefined) return;
    const target =
      conversation.kind === 'room' ? { room: conversation.target } : { with: conversation.target };
    const page = await this.client.history(target, { before: first, limit: 50 });
    this.conversations.prepend(conversation.key, shownOf(page.messages), page.hasMore);
    if (this.conversations.active === conversation.key) this.view.renderMessages(false);
  }

  private signalTyping(): void {
    const conversation = this.conversations.current();
    if (conversation?.kind !== 'room') return;
    const now = Date.now();
    if (this.view.text.value.trim() === '') {
      if (this.typingSentAt !== 0) this.client.typing(conversation.target, false);
      this.typingSentAt = 0;
    } else if (now - this.typingSentAt > TYPING_EVERY_MS) {
      this.client.typing(conversation.target, true);
      this.typingSentAt = now;
    }
  }
}
