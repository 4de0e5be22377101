// Client SDK, React bindings: the store the hooks read, on a real client talking to the fake server.
// Rooms are joined once however many holders (and StrictMode remounts) they have and left after the
// last; messages, history pages, presence, typing and the ack state of sends land in the right cells.

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { RoomcastStore } from '../../src/client/react/store.js';
import { settle } from '../fakes/manual-clock.js';
import { connected, harness, otherMember, type Harness } from './support/harness.js';

let h: Harness;
let store: RoomcastStore;
let detach: () => void;

beforeEach(async () => {
  h = harness({ recentMessages: 2 });
  store = new RoomcastStore(h.client, { clock: h.clock, random: () => 0.5, historyPageSize: 2 });
  detach = store.attach();
  await connected(h);
});

afterEach(() => {
  detach();
  h.client.close();
});

/** What the client wrote about `room` on its connection, as `action` names. */
const actionsOn = (room: string): unknown[] =>
  h.server.last.sent.filter((frame) => frame['room'] === room).map((frame) => frame['action']);

const texts = (room: string): string[] =>
  store
    .room(room)
    .conversation.view.get()
    .messages.map((m) => m.text);

describe('the React bindings store', () => {
  it('joins a room once for every holder and StrictMode remount, and leaves after the last release', async () => {
    store.holdRoom('general')();
    const first = store.holdRoom('general');
    const second = store.holdRoom('general');
    expect(store.room('general').join.get().status).toBe('joining');
    await settle();
    expect(store.room('general').join.get()).toEqual({ status: 'joined', error: undefined });
    expect(actionsOn('general').filter((action) => action === 'join')).toHaveLength(1);

    first();
    await settle();
    expect(actionsOn('general')).not.toContain('leave');
    second();
    await settle();
    expect(actionsOn('general').filter((action) => action === 'join' || action === 'leave')).toEqual([
      'join',
      'leave',
    ]);
    expect(store.room('general').join.get().status).toBe('idle');
    expect(h.client.joinedRooms()).not.toContain('general');
  });

  it('shows the recent messages, then live ones once each, and pages older ones in with loadOlder', async () => {
    for (const text of ['one', 'two', 'three', 'four', 'five']) h.server.post('general', 'bob', text);
    store.holdRoom('general');
    await settle();
    expect(texts('general')).toEqual(['four', 'five']);
    expect(store.room('general').conversation.view.get().hasMore).toBe(true);

    const older = store.loadOlderInRoom('general');
    expect(store.room('general').conversation.view.get().loadingOlder).toBe(true);
    await older;
    expect(texts('general')).toEqual(['two', 'three', 'four', 'five']);
    await store.loadOlderInRoom('general');
    expect(texts('general')).toEqual(['one', 'two', 'three', 'four', 'five']);
    const view = store.room('general').conversation.view.get();
    expect(view).toMatchObject({ hasMore: false, loadingOlder: false });

    // Nothing older: no request goes out.
    const histories = actionsOn('general').filter((action) => action === 'history').length;
    await store.loadOlderInRoom('general');
    expect(actionsOn('general').filter((action) => action === 'history')).toHaveLength(histories);

    h.server.post('general', 'bob', 'six');
    await settle();
    expect(texts('general')).toEqual(['one', 'two', 'three', 'four', 'five', 'six']);
  });

  it('tracks a send from pending to acked and delivered, and keeps the typed error of a failure', async () => {
    store.holdRoom('general');
    await settle();
    const id = store.sendToRoom('general', 'hello');
    expect(store.room('general').conversation.sendOf(id)).toMatchObject({
      status: 'pending',
      delivered: false,
    });
    await settle();
    expect(store.room('general').conversation.sendOf(id)).toMatchObject({ status: 'acked', delivered: true });
    expect(texts('general')).toEqual(['hello']);

    const failed = store.sendToRoom('general', 'x'.repeat(4001));
    await settle();
    const send = store.room('general').conversation.sendOf(failed);
    expect(send?.status).toBe('failed');
    expect(send?.error?.code).toBe('message_too_large');
    expect(send?.error?.clientMsgId).toBe(failed);

    // A retry goes out with the same clientMsgId.
    store.retryInRoom('general', failed);
    expect(store.room('general').conversation.sendOf(failed)?.status).toBe('pending');
    await settle();
    const ids = h.server.last.sent
      .filter((frame) => frame['action'] === 'sendMessage')
      .map((f) => f['clientMsgId']);
    expect(ids).toEqual([id, failed, failed]);
  });

  it('keeps the presence list current and forgets it on leaving', async () => {
    const release = store.holdRoom('general');
    await settle();
    expect(
      store
        .room('general')
        .presence.get()
        .members.map((member) => member.userId),
    ).toEqual(['ada']);
    const bob = await otherMember(h, 'bob', 'general');
    expect(
      store
        .room('general')
        .presence.get()
        .members.map((member) => member.userId),
    ).toEqual(['ada', 'bob']);
    bob.close();
    await settle();
    expect(
      store
        .room('general')
        .presence.get()
        .members.map((member) => member.userId),
    ).toEqual(['ada']);
    release();
    await settle();
    expect(store.room('general').presence.get().members).toEqual([]);
  });

  it('shows who else is typing until they stop or their signal expires', async () => {
    store.holdRoom('general');
    await settle();
    const bob = await otherMember(h, 'bob', 'general');
    bob.send(JSON.stringify({ action: 'typing', room: 'general', isTyping: true }));
    await settle();
    expect(
      store
        .room('general')
        .typing.typists.get()
        .map((user) => user.userId),
    ).toEqual(['bob']);
    bob.send(JSON.stringify({ action: 'typing', room: 'general', isTyping: false }));
    await settle();
    expect(store.room('general').typing.typists.get()).toEqual([]);

    bob.send(JSON.stringify({ action: 'typing', room: 'general', isTyping: true }));
    await settle();
    h.clock.advance(5_999);
    expect(store.room('general').typing.typists.get()).toHaveLength(1);
    h.clock.advance(1);
    expect(store.room('general').typing.typists.get()).toEqual([]);
  });

  it('spaces out its own typing signals, says when they stop, and stops them on send', async () => {
    const typingFrames = (): unknown[] =>
      h.server.last.sent.filter((frame) => frame['action'] === 'typing').map((frame) => frame['isTyping']);
    store.notifyTyping('general');
    expect(typingFrames()).toEqual([]); // not in a held room
    store.holdRoom('general');
    await settle();
    for (let key = 0; key < 5; key += 1) store.notifyTyping('general');
    h.clock.advance(2_999);
    store.notifyTyping('general');
    expect(typingFrames()).toEqual([true]);
    h.clock.advance(1);
    store.notifyTyping('general');
    expect(typingFrames()).toEqual([true, true]);
    store.stopTyping('general');
    store.stopTyping('general');
    expect(typingFrames()).toEqual([true, true, false]);
    store.notifyTyping('general');
    store.sendToRoom('general', 'done');
    expect(typingFrames()).toEqual([true, true, false, true, false]);
  });

  it('reports the connection state, identity and unsolicited errors', async () => {
    expect(store.connection.get()).toMatchObject({
      state: 'open',
      identity: { userId: 'ada' },
      error: undefined,
    });
    h.server.last.push({ type: 'error', code: 'invalid_json', message: 'not JSON' });
    await settle();
    expect(store.connection.get().error).toMatchObject({ name: 'RoomcastError', code: 'invalid_json' });
    h.server.last.drop(1006);
    await settle();
    expect(store.connection.get().state).toBe('reconnecting');
    await h.clock.advanceAndSettle(1_000);
    expect(store.connection.get()).toMatchObject({ state: 'open', error: undefined });
  });

  it('opens a direct conversation once and tracks direct sends like room ones', async () => {
    h.server.postDirect('bob', 'ada', 'hi ada');
    store.openDirect('bob');
    store.openDirect('bob');
    await settle();
    expect(store.direct('bob').open.get().status).toBe('joined');
    const id = store.sendToPeer('bob', 'hi bob');
    await settle();
    expect(
      store
        .direct('bob')
        .conversation.view.get()
        .messages.map((m) => m.text),
    ).toEqual(['hi ada', 'hi bob']);
    expect(store.direct('bob').conversation.sendOf(id)).toMatchObject({ status: 'acked', delivered: true });
    const histories = h.server.last.sent.filter(
      (frame) => frame['action'] === 'history' && frame['with'] === 'bob',
    );
    expect(histories).toHaveLength(1);
  });

  it('stops listening to the client once detached', async () => {
    store.holdRoom('general');
    await settle();
    detach();
    await settle();
    h.server.post('general', 'bob', 'unheard');
    await settle();
    expect(texts('general')).toEqual([]);
  });
  it('shows room reactions, its own at once and others as they come, and forgets them on leaving', async () => {
    const release = store.holdRoom('general');
    await settle();
    const bob = await otherMember(h, 'bob', 'general');
    const seen: unknown[] = [];
    bob.onmessage = (event) => seen.push(JSON.parse(String(event.data)));

    store.reactInRoom('general', '👏');
    bob.send(JSON.stringify({ action: 'roomReaction', room: 'general', reaction: '🎉' }));
    await settle();

    const shown = store.room('general').reactions.recent.get();
    expect(shown.map(({ user, reaction }) => `${user.userId}:${reaction}`)).toEqual(['ada:👏', 'bob:🎉']);
    expect(new Set(shown.map((reaction) => reaction.id)).size).toBe(2);
    expect(seen).toContainEqual(expect.objectContaining({ type: 'room_reaction', reaction: '👏' }));
    release();
    await settle();
    expect(store.room('general').reactions.recent.get()).toEqual([]);
    // Not held: nothing is sent.
    store.reactInRoom('general', '👏');
    expect(h.server.last.sent.filter((frame) => frame['action'] === 'roomReaction')).toHaveLength(1);
  });

  it('keeps unread counts from the service, this user’s markers and arriving messages', async () => {
    for (const text of ['one', 'two', 'three']) h.server.post('general', 'bob', text);
    store.holdRoom('general');
    await settle();
    await store.markRead({ room: 'general' }, 1);
    await store.refreshUnread();
    expect(store.unread.view.get()).toMatchObject({
      loading: false,
      conversations: [{ room: 'general', readSeq: 1, lastSeq: 3, unread: 2 }],
    });

    h.server.post('general', 'bob', 'four');
    await settle();
    expect(store.unread.view.get().conversations).toEqual([
      { room: 'general', readSeq: 1, lastSeq: 4, unread: 3 },
    ]);

    // Another device of the same user reads further: its marker reaches this one.
    const laptop = new h.server.WebSocket('wss://chat.example/prod?token=ada');
    await settle();
    laptop.send(JSON.stringify({ action: 'markRead', room: 'general', seq: 4 }));
    await settle();
    expect(store.unread.view.get().conversations).toEqual([
      { room: 'general', readSeq: 4, lastSeq: 4, unread: 0 },
    ]);
  });

  it('shows message reactions at once as this user’s, and keeps that mark through the room’s summaries', async () => {
    h.server.post('general', 'bob', 'hello');
    store.holdRoom('general');
    await settle();
    const bob = await otherMember(h, 'bob', 'general');
    const reactionsOf = () => store.room('general').conversation.view.get().messages[0]?.reactions;

    await store.reactToMessage({ room: 'general' }, 1, '👍', true);
    expect(reactionsOf()).toEqual([{ reaction: '👍', count: 1, mine: true }]);
    // Bob's reaction reaches this client as a summary without `mine`: this user's mark stays.
    bob.send(JSON.stringify({ action: 'react', room: 'general', seq: 1, reaction: '👍' }));
    bob.send(JSON.stringify({ action: 'react', room: 'general', seq: 1, reaction: '🎉' }));
    await settle();
    expect(reactionsOf()).toEqual([
      { reaction: '👍', count: 2, mine: true },
      { reaction: '🎉', count: 1, mine: false },
    ]);
    await store.reactToMessage({ room: 'general' }, 1, '👍', false);
    expect(reactionsOf()).toEqual([
      { reaction: '👍', count: 1, mine: false },
      { reaction: '🎉', count: 1, mine: false },
    ]);
  });
});
