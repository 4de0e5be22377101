// React bindings: the provider. It hands the hooks the store of one client: a client the application
// made (it connects and closes that one itself), or one the provider makes from options, connects on
// mount and closes on unmount.

import {
  createContext,
  createElement,
  useContext,
  useEffect,
  useState,
  type ReactElement,
  type ReactNode,
} from 'react';
import { RoomcastClient } from '../client.js';
import type { RoomcastClientOptions } from '../options.js';
import { RefCounts } from './ref-counts.js';
import { RoomcastStore, type RoomcastBindingsSettings } from './store.js';

export type RoomcastProviderProps = {
  readonly children?: ReactNode;
  /** Read when the client's store is made: once per client. */
  readonly settings?: RoomcastBindingsSettings;
} & (
  | {
      /** A client the application owns: the provider neither connects nor closes it. */
      readonly client: RoomcastClient;
      readonly options?: undefined;
    }
  | {
      /** Options for a client the provider makes, connects and closes. Read once, on mount. */
      readonly options: RoomcastClientOptions;
      readonly client?: undefined;
    }
);

const StoreContext = createContext<RoomcastStore | undefined>(undefined);

/** One store per client, however many providers serve it, so that they share its joins. */
const stores = new WeakMap<RoomcastClient, RoomcastStore>();

function storeOf(client: RoomcastClient, settings: RoomcastBindingsSettings | undefined): RoomcastStore {
  let store = stores.get(client);
  if (store === undefined) stores.set(client, (store = new RoomcastStore(client, settings)));
  return store;
}

/** Clients made by providers: connected on the first mount, closed once no provider has them. */
const ownedClients = new RefCounts<RoomcastClient>({
  start: (client) => {
    try {
      client.connect();
    } catch (error) {
      storeOf(client, undefined).reportError(error instanceof Error ? error : new Error(String(error)));
    }
  },
  stop: (client) => client.close(),
});

export function RoomcastProvider(props: RoomcastProviderProps): ReactElement {
  // Made during render but not connected there: a render React throws away leaves nothing open.
  const [owned] = useState(() =>
    props.client === undefined ? new RoomcastClient(props.options) : undefined,
  );
  const client = props.client ?? (owned as RoomcastClient);
  const store = storeOf(client, props.settings);
  useEffect(() => store.attach(), [store]);
  useEffect(() => (owned === undefined ? undefined : ownedClients.acquire(owned)), [owned]);
  return createElement(StoreContext.Provider, { value: store }, props.children);
}

/** The store of the nearest provider. */
export function useRoomcastStore(): RoomcastStore {
  const store = useContext(StoreContext);
  if (store === undefined) throw new Error('roomcast hooks must be used inside a <RoomcastProvider>');
  return store;
}

/** The client of the nearest provider, for what the hooks do not cover (`ping`, `presence`, ...). */
export function useRoomcastClient(): RoomcastClient {
  return useRoomcastStore().client as RoomcastClient;
}
