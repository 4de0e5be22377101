// Web page: the chat page `make dev` serves, built on the client SDK and bundled by the web server with
// esbuild. Reads the stack's configuration, signs in with a name, then hands over to the chat page.

import { RoomcastClient } from '../src/client/index.js';
import { ChatPage } from './chat-page.js';
import { byId } from './dom.js';

/** What `GET /config.json` says about the stack. */
interface PageConfig {
  readonly wsUrl: string;
  readonly anonymous: boolean;
  /** The room every connection joins, or null when the service has none. */
  readonly lobby: string | null;
}

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

function clientFor(config: PageConfig, name: string): RoomcastClient {
  const userId = userIdFor(name);
  return new RoomcastClient({
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
    byId('signin').hidden = true;
    byId('chat').hidden = false;
    byId('sign-out').hidden = false;
    new ChatPage(clientFor(config, name), config.lobby).start();
    byId<HTMLInputElement>('text').focus();
  });
}

main().catch((error: unknown) => {
  byId('signin-error').textContent = `The page could not start: ${String(error)}`;
});
