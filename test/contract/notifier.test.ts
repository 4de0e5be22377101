// Contract runs for the notifiers: the recording fake, and the @connections adapter against the
// local management API on loopback through the real AWS SDK client.

import { afterAll, beforeAll } from '@jest/globals';
import { ManagementApiNotifier, ManagementClientPool } from '../../src/adapters/apigateway/index.js';
import type { ServerEvent } from '../../src/domain/index.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/dynamodb-local.js';
import { RecordingNotifier } from '../fakes/recording-notifier.js';
import { startConnectionsApi, type ConnectionsApiServer } from '../support/connections-api-server.js';
import { notifierContract } from './notifier.contract.js';

let opened = 0;
/** AWS-shaped ids (16 characters of URL-safe base64 ending in `=`), so `=` is encoded on the path. */
const nextId = () => `Abc-_${String((opened += 1)).padStart(10, '0')}=`;

notifierContract('recording fake', async () => {
  const notifier = new RecordingNotifier();
  notifier.onlyOpened = true;
  return {
    notifier,
    unknownId: 'NeverOpened0000=',
    open: async () => {
      const id = nextId();
      notifier.open(id);
      return id;
    },
    received: async (id) => notifier.eventsOf(id),
  };
});

let api: ConnectionsApiServer;
let pool: ManagementClientPool;

beforeAll(async () => {
  api = await startConnectionsApi();
  pool = new ManagementClientPool({ region: LOCAL_REGION, maxSockets: 8, credentials: LOCAL_CREDENTIALS });
});

afterAll(async () => {
  pool.destroy();
  await api.stop();
});

notifierContract('@connections API adapter', async () => ({
  notifier: new ManagementApiNotifier({ client: pool.clientFor(api.endpoint) }),
  unknownId: 'NeverOpened0000=',
  open: async () => {
    const id = nextId();
    api.directory.connect(id);
    return id;
  },
  received: async (id) => api.directory.frames(id).map((frame) => JSON.parse(frame) as ServerEvent),
}));
