// Web page: rendering. Draws the status, the sidebar, the open conversation, typing and members from
// the page's state; it reacts to nothing itself, except the clicks it hands back through ViewActions.

import type { ConnectionState, Identity, PresenceEntry } from '../src/client/index.js';
import type { Conversation, Conversations, ShownMessage } from './conversations.js';
import { byId, clear, el } from './dom.js';
import type { TypingTracker } from './typing-tracker.js';

/** What the view reads from the client: who this is, and who is in a room. */
export interface Roster {
  readonly identity: Identity | undefined;
  members(room: string): readonly PresenceEntry[];
}

/** The clicks on what the view drew. */
export interface ViewActions {
  /** A conversation in the sidebar was picked. */
  pick(key: string): void;
  /** "Message" was pressed next to a member. */
  write(peer: string, name: string): void;
  /** "Edit" was pressed on one of this user's messages. */
  edit(message: ShownMessage): void;
  /** "Delete" was pressed on one of this user's messages. */
  remove(message: ShownMessage): void;
  /** A reaction was given (`on`) or taken back on a message. */
  react(message: ShownMessage, reaction: string, on: boolean): void;
}

/** The reactions offered on every message, besides those it already has. */
const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉'] as const;

const STATUS_TEXT: Readonly<Record<ConnectionState, string>> = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Offline',
};

function timeOf(sentAt: number): HTMLTimeElement {
  const date = new Date(sentAt);
  const shown = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return el('time', { datetime: date.toISOString(), title: date.toLocaleString() }, shown);
}

export class ChatView {
  readonly text = byId<HTMLInputElement>('text');
  private readonly status = byId('status');
  private readonly banner = byId('banner');
  private readonly me = byId('me');
  private readonly rooms = byId<HTMLUListElement>('rooms');
  private readonly directs = byId<HTMLUListElement>('directs');
  private readonly title = byId('conversation-title');
  private readonly occupancy = byId('occupancy');
  private readonly leave = byId<HTMLButtonElement>('leave');
  private readonly messages = byId<HTMLOListElement>('messages');
  private readonly older = byId<HTMLButtonElement>('older');
  private readonly typingLine = byId('typing');
  private readonly members = byId<HTMLUListElement>('members');
  private readonly membersTitle = byId('members-title');
  private readonly notice = byId('notice');

  constructor(
    private readonly conversations: Conversations,
    private readonly typing: TypingTracker,
    private readonly roster: Roster,
    private readonly actions: ViewActions,
    /** The lobby cannot be left. */
    private readonly lobby: string | null,
  ) {}

  renderStatus(state: ConnectionState): void {
    this.status.textContent = STATUS_TEXT[state];
    this.status.dataset['state'] = state;
    this.banner.hidden = state !== 'reconnecting';
  }

  renderIdentity(user: Identity): void {
    this.me.textContent = `Signed in as ${user.displayName}`;
    this.me.title = `user id ${user.userId}`;
  }

  renderSidebar(): void {
    this.rooms.replaceChildren(...this.conversations.list('room').map((c) => this.sidebarItem(c)));
    const directs = this.conversations.list('direct');
    this.directs.replaceChildren(
      ...(directs.length === 0
        ? [el('li', { className: 'empty' }, 'Pick someone under “Online” to write to them.')]
        : directs.map((c) => this.sidebarItem(c))),
    );
  }

  renderConversation(): void {
    const conversation = this.conversations.current();
    this.title.textContent = conversation?.title ?? '';
    this.leave.hidden = conversation?.kind !== 'room' || conversation.target === this.lobby;
    this.text.placeholder = conversation === undefined ? '' : `Message ${conversation.title}`;
    this.renderMessages(true);
    this.renderTyping();
    this.renderMembers();
  }

  renderMessages(toEnd: boolean): void {
    const conversation = this.conversations.current();
    this.messages.replaceChildren(...(conversation?.messages ?? []).map((m) => this.messageItem(m)));
    this.renderOlder();
    if (toEnd) this.scrollToEnd();
  }

  /** A message added at the end of the open conversation. */
  appendMessage(message: ShownMessage): void {
    this.messages.append(this.messageItem(message));
    this.renderOlder();
    this.scrollToEnd();
  }

  /** How many people (and connections) the open room holds, when the service has said. */
  renderOccupancy(counts: { readonly users: number; readonly connections: number } | undefined): void {
    this.occupancy.textContent =
      counts === undefined
        ? ''
        : `${counts.users} ${counts.users === 1 ? 'person' : 'people'} here · ${counts.connections} ${
            counts.connections === 1 ? 'connection' : 'connections'
          }`;
  }

  renderTyping(): void {
    const conversation = this.conversations.current();
    this.typingLine.textContent =
      conversation?.kind === 'room' ? this.typing.describe(conversation.target) : '';
  }

  renderMembers(): void {
    const conversation = this.conversations.current();
    clear(this.members);
    if (conversation === undefined) return;
    if (conversation.kind === 'direct') {
      this.membersTitle.textContent = 'Conversation';
      this.members.append(el('li', {}, `You and ${conversation.title}`));
      return;
    }
    const list = this.roster.members(conversation.target);
    this.membersTitle.textContent = `Online in ${conversation.title} (${list.length})`;
    const myId = this.roster.identity?.userId;
    for (const member of list) this.members.append(this.memberItem(member, member.userId === myId));
  }

  /** A line for the user under the conversation, with a button when there is something to retry. */
  say(text: string, retry?: () => void): void {
    clear(this.notice);
    if (text === '') return;
    this.notice.append(text);
    if (retry !== undefined) {
      const button = el('button', { type: 'button' }, 'Retry');
      button.addEventListener('click', retry);
      this.notice.append(' ', button);
    }
  }

  private renderOlder(): void {
    const conversation = this.conversations.current();
    this.older.hidden =
      conversation === undefined || conversation.complete || conversation.messages.length === 0;
  }

  private sidebarItem(conversation: Conversation): HTMLLIElement {
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
    button.addEventListener('click', () => this.actions.pick(conversation.key));
    return el('li', {}, button);
  }

  private messageItem(message: ShownMessage): HTMLLIElement {
    const mine = message.fromId === this.roster.identity?.userId;
    return el(
      'li',
      { className: mine ? 'message mine' : 'message', 'data-seq': String(message.seq) },
      el(
        'div',
        { className: 'meta' },
        el('span', { className: 'from' }, message.fromName),
        ' ',
        timeOf(message.sentAt),
        message.edited && !message.deleted ? el('span', { className: 'edited' }, ' (edited)') : null,
      ),
      message.deleted
        ? el('p', { className: 'text deleted' }, 'This message was deleted')
        : el('p', { className: 'text' }, message.text),
      message.deleted ? null : this.reactionBar(message),
      mine && !message.deleted ? this.ownActions(message) : null,
    );
  }

  /** A message's reactions as toggles (pressed when this user gave one), then the quick ones to add. */
  private reactionBar(message: ShownMessage): HTMLDivElement {
    const given = new Set(message.reactions.map((r) => r.reaction));
    const toggle = (reaction: string, count: number, mine: boolean) => {
      const button = el(
        'button',
        {
          type: 'button',
          className: 'reaction',
          'aria-pressed': mine ? 'true' : 'false',
          'aria-label': `${reaction} ${count}${mine ? ', yours' : ''}`,
        },
        `${reaction} ${count}`,
      );
      button.addEventListener('click', () => this.actions.react(message, reaction, !mine));
      return button;
    };
    const quick = QUICK_REACTIONS.filter((reaction) => !given.has(reaction)).map((reaction) => {
      const button = el(
        'button',
        { type: 'button', className: 'quick-reaction', 'aria-label': `React ${reaction}` },
        reaction,
      );
      button.addEventListener('click', () => this.actions.react(message, reaction, true));
      return button;
    });
    return el(
      'div',
      { className: 'reactions' },
      ...message.reactions.map((r) => toggle(r.reaction, r.count, r.mine === true)),
      ...quick,
    );
  }

  /** Edit and Delete, on this user's own messages. */
  private ownActions(message: ShownMessage): HTMLDivElement {
    const button = (label: string, act: () => void) => {
      const element = el('button', { type: 'button', className: `own ${label.toLowerCase()}` }, label);
      element.addEventListener('click', act);
      return element;
    };
    return el(
      'div',
      { className: 'own-actions' },
      button('Edit', () => this.actions.edit(message)),
      button('Delete', () => this.actions.remove(message)),
    );
  }

  private memberItem(member: PresenceEntry, you: boolean): HTMLLIElement {
    const entry = el(
      'li',
      { className: 'member', 'data-user': member.userId },
      el('span', { className: 'presence-dot', 'aria-hidden': 'true' }),
      el('span', { className: 'name' }, you ? `${member.displayName} (you)` : member.displayName),
      member.status === 'available'
        ? null
        : el('span', { className: `status ${member.status}` }, ` ${member.statusText ?? member.status}`),
    );
    if (!you) {
      const write = el(
        'button',
        { type: 'button', className: 'dm', 'aria-label': `Message ${member.displayName}` },
        'Message',
      );
      write.addEventListener('click', () => this.actions.write(member.userId, member.displayName));
      entry.append(write);
    }
    return entry;
  }

  private scrollToEnd(): void {
    this.messages.scrollTop = this.messages.scrollHeight;
  }
}
