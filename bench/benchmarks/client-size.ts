// Benchmark 10, client size: our client SDK bundled for a page against socket.io-client and Ably, the
// same esbuild options for each, minified and gzipped. The measurement is bench/measure/client-size.ts.

import { problemList, row, type Benchmark } from '../benchmark.js';
import { decimal, percent, times } from '../format.js';
import { markdownTable } from '../markdown.js';
import {
  runClientSize,
  type ClientBundleSize,
  type ClientSizeConfig,
  type ClientSizeResult,
} from '../measure/client-size.js';

/** Our client gzipped at most this share of socket.io-client's. */
const GZIP_RATIO_LIMIT = 0.5;

const OURS = 'roomcast (@roomcast/client)';
const SOCKET_IO = 'socket.io-client';
const ABLY = 'ably';
const ABLY_MODULAR = 'ably/modular';

/** Nothing to scale: both profiles bundle the same entries. */
const LIBRARIES: ClientSizeConfig = {
  libraries: [
    // The source the package is built from, as `import { RoomcastClient } from '@roomcast/client'` bundles it.
    { library: OURS, entry: "export { RoomcastClient } from './src/client/index.ts';" },
    { library: SOCKET_IO, package: 'socket.io-client', entry: "export { io } from 'socket.io-client';" },
    { library: ABLY, package: 'ably', entry: "export { Realtime } from 'ably';" },
    {
      library: ABLY_MODULAR,
      package: 'ably',
      entry: "export { BaseRealtime, WebSocketTransport, FetchRequest } from 'ably/modular';",
    },
  ],
};

const kib = (bytes: number) => `${decimal(bytes / 1024, 1)} KiB`;

function bundleOf(result: ClientSizeResult, library: string): ClientBundleSize {
  const bundle = result.bundles.find((candidate) => candidate.library === library);
  if (bundle === undefined) throw new Error(`clientSize: no bundle for ${library}`);
  return bundle;
}

/** Ours gzipped over another library's gzipped. */
const gzipRatio = (result: ClientSizeResult, other: string) =>
  bundleOf(result, OURS).gzipBytes / bundleOf(result, other).gzipBytes;

export const clientSize: Benchmark<ClientSizeConfig, ClientSizeResult> = {
  name: 'clientSize',
  templateName: 'client-size',
  sizes: { full: LIBRARIES, smoke: LIBRARIES },

  async run(_context, config) {
    return runClientSize(config);
  },

  check(result, config) {
    const { problems, expect } = problemList();
    for (const library of config.libraries) {
      const bundle = result.bundles.find((candidate) => candidate.library === library.library);
      expect(bundle !== undefined, `clientSize ${library.library}: bundled`);
      if (bundle === undefined) continue;
      expect(
        bundle.gzipBytes > 0 && bundle.gzipBytes < bundle.minifiedBytes,
        `clientSize ${library.library}: sizes measured`,
      );
      expect(bundle.version.length > 0, `clientSize ${library.library}: version known`);
    }
    return problems;
  },

  budgets: [
    {
      id: 'client-size-vs-socket-io',
      what: 'client bundle for a page, gzipped: ours over socket.io-client',
      limit: `<= ${GZIP_RATIO_LIMIT}`,
      value: (result) => gzipRatio(result, SOCKET_IO),
      isMet: (value) => value <= GZIP_RATIO_LIMIT,
    },
  ],

  rows: (result) => [
    row({
      bench: '10 client size',
      measure: 'client bundled for a page, minified and gzipped, vs socket.io-client',
      ours: kib(bundleOf(result, OURS).gzipBytes),
      baseline: kib(bundleOf(result, SOCKET_IO).gzipBytes),
      vsBaseline: times(gzipRatio(result, SOCKET_IO)),
    }),
  ],

  section: (result) => {
    const ours = bundleOf(result, OURS);
    return {
      esbuild: result.esbuild,
      ours: kib(ours.gzipBytes),
      socketIo: kib(bundleOf(result, SOCKET_IO).gzipBytes),
      ably: kib(bundleOf(result, ABLY).gzipBytes),
      ablyModular: kib(bundleOf(result, ABLY_MODULAR).gzipBytes),
      ratio: times(gzipRatio(result, SOCKET_IO)),
      ablyRatio: percent(gzipRatio(result, ABLY)),
      ablyModularRatio: percent(gzipRatio(result, ABLY_MODULAR)),
      limit: String(GZIP_RATIO_LIMIT),
      table: markdownTable(
        ['library', 'version', 'entry', 'minified', 'gzipped', 'gzipped, ours over it'],
        result.bundles.map((bundle) => [
          bundle.library,
          bundle.version,
          `\`${bundle.entry}\``,
          kib(bundle.minifiedBytes),
          kib(bundle.gzipBytes),
          bundle.library === OURS ? '' : times(ours.gzipBytes / bundle.gzipBytes),
        ]),
      ),
    };
  },

  comparable: (before, now) => before.bundles.length === now.bundles.length,
  comparisons: () => [
    {
      measure: 'our client bundled for a page, gzipped',
      value: (result: ClientSizeResult) => bundleOf(result, OURS).gzipBytes,
      format: kib,
    },
  ],
};
