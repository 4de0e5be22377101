// Benchmark 6, cost per million messages on AWS for one room at a steady rate: ours against the classic
// design (a Scan per message). Request counts come from the runs above (API Gateway messages and
// DynamoDB units per message from the end-to-end run, the Scan's read units from the read cost run,
// fan-out durations from the fan-out time run); prices from bench/prices.ts.

import { PRICES } from '../prices.js';
import { ratio } from '../lib/stats.js';
import type { FanOutReadResult } from './fan-out-read.js';
import type { FanOutTimeResult } from './fan-out-time.js';
import type { EndToEndResult } from './end-to-end.js';

export interface CostConfig {
  readonly members: number;
  /** Messages a second in the room, steady: sets how many connection minutes each message carries. */
  readonly messagesPerSecond: number;
  readonly lambdaMemoryMb: number;
  /** Assumed round trip of one DynamoDB request from Lambda, for the billed duration. */
  readonly dynamoRoundTripMs: number;
}

export interface CostLine {
  readonly item: string;
  readonly oursPerMessage: number;
  readonly baselinePerMessage: number;
  readonly unitPrice: number;
  readonly unit: string;
  /** Dollars per million messages. */
  readonly ours: number;
  readonly baseline: number;
}

export interface CostResult {
  readonly config: CostConfig;
  readonly prices: typeof PRICES;
  readonly assumptions: readonly string[];
  readonly lines: readonly CostLine[];
  readonly totalOurs: number;
  readonly totalBaseline: number;
  /** Ours / baseline. */
  readonly ratio: number;
  /**
   * Connections in the classic design's table at which the two cost the same: its Scan grows with
   * the table, everything else in both designs stays as it is.
   */
  readonly breakEvenConnections: number;
}

export function costModel(
  config: CostConfig,
  read: FanOutReadResult,
  time: FanOutTimeResult,
  e2e: EndToEndResult,
): CostResult {
  const members = config.members;
  const readRow = read.rows.find((row) => row.members === members) ?? read.rows[0];
  const timeRow = time.rows.find((row) => row.members === members) ?? time.rows[0];
  if (readRow === undefined || timeRow === undefined)
    throw new Error('the cost model needs benchmarks 1 and 2');
  const scale = members / readRow.members;
  const timeScale = members / timeRow.members;
  const per = e2e.perMessage;

  if (e2e.clients !== members) throw new Error('the cost model prices the room of the end-to-end run');
  // API Gateway: ours as metered by the emulator (the message in, the ack, one message per member);
  // the classic design sends no ack.
  const oursMessages = per.billableMessages;
  const baselineMessages = 1 + members;
  const connectionMinutes = members / (60 * config.messagesPerSecond);

  // DynamoDB: ours as consumed in the end-to-end run (rate limit, membership check, sequence, message,
  // member pages); the classic design's Scan of a table of the read cost run's size, and no writes.
  const pages = Math.max(1, Math.ceil(members / read.pageSize));
  const oursQueries = per.dynamoByCommand['Query'] ?? 0;
  const oursRead = per.readUnits ?? 0;
  const oursWrite = per.writeUnits ?? 0;
  const scanUnits = (readRow.baseline.readUnits ?? readRow.baseline.readUnitsComputed) * scale;
  const scanRequests = readRow.baseline.requests;

  // Lambda: one sendMessage invocation a message, billed for the fan-out (timed at the injected
  // latency) plus the DynamoDB round trips that come before it; ours also posts the ack first.
  const oursSequentialDynamo = per.dynamoRequests - oursQueries + Math.min(1, oursQueries);
  const oursMs =
    timeRow.ours.ms * timeScale + time.latencyMs + oursSequentialDynamo * config.dynamoRoundTripMs;
  const baselineMs = timeRow.promiseAll.ms * timeScale + scanRequests * config.dynamoRoundTripMs;
  const gbSeconds = (ms: number) => (Math.ceil(ms) / 1_000) * (config.lambdaMemoryMb / 1_024);

  const million = 1_000_000;
  const line = (
    item: string,
    oursPerMessage: number,
    baselinePerMessage: number,
    unitPrice: number,
    unit: string,
    perUnits: number,
  ): CostLine => ({
    item,
    oursPerMessage,
    baselinePerMessage,
    unitPrice,
    unit,
    ours: ((oursPerMessage * million) / perUnits) * unitPrice,
    baseline: ((baselinePerMessage * million) / perUnits) * unitPrice,
  });
  const lines: CostLine[] = [
    line(
      'API Gateway messages',
      oursMessages,
      baselineMessages,
      PRICES.apiGateway.perMillionMessages,
      'per million messages',
      million,
    ),
    line(
      'API Gateway connection minutes',
      connectionMinutes,
      connectionMinutes,
      PRICES.apiGateway.perMillionConnectionMinutes,
      'per million connection minutes',
      million,
    ),
    line('Lambda requests', 1, 1, PRICES.lambda.perMillionRequests, 'per million requests', million),
    line(
      'Lambda duration (GB-s)',
      gbSeconds(oursMs),
      gbSeconds(baselineMs),
      PRICES.lambda.perGbSecond,
      'per GB-second',
      1,
    ),
    line(
      'DynamoDB read units',
      oursRead,
      scanUnits,
      PRICES.dynamoDb.perMillionReadRequestUnits,
      'per million RRU',
      million,
    ),
    line(
      'DynamoDB write units',
      oursWrite,
      0,
      PRICES.dynamoDb.perMillionWriteRequestUnits,
      'per million WRU',
      million,
    ),
  ];
  const totalOurs = lines.reduce((sum, l) => sum + l.ours, 0);
  const totalBaseline = lines.reduce((sum, l) => sum + l.baseline, 0);
  const scanLine = lines.find((l) => l.item === 'DynamoDB read units') as CostLine;
  const tableConnections = readRow.tableItems * scale;
  const scanPerConnection = scanLine.baseline / tableConnections;
  const breakEvenConnections = (totalOurs - (totalBaseline - scanLine.baseline)) / scanPerConnection;
  return {
    config,
    prices: PRICES,
    assumptions: [
      `one room of ${members} connections, ${config.messagesPerSecond === 1 ? 'one message' : `${config.messagesPerSecond} messages`} a second, every connection open throughout`,
      `the classic design's connections table holds ${read.rooms} rooms of ${members} (as in the read cost run), scanned once per message; it stores no messages and sends no ack`,
      `ours: ${per.dynamoRequests.toFixed(1)} DynamoDB requests a message as measured end to end, ${pages} member page(s) among them`,
      `Lambda at ${config.lambdaMemoryMb} MB (arm64): billed duration = the fan-out time measured at ${time.latencyMs} ms per @connections call + ${config.dynamoRoundTripMs} ms per DynamoDB round trip made before it (+ the ack for ours), rounded up to 1 ms`,
      'API Gateway messages under 32 KB count once each; the first-billion-messages tier',
    ],
    lines,
    totalOurs,
    totalBaseline,
    ratio: ratio(totalOurs, totalBaseline),
    breakEvenConnections,
  };
}
