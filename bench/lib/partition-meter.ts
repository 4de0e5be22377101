// Bench support: load per partition key and per second on a DynamoDB document client. Middleware counts,
// for each partition key value, the items written (put, updated, deleted) and the items read (returned by
// Query and Get) in each wall-clock second, with the capacity units DynamoDB reports for them
// (ReturnConsumedCapacity=TOTAL, which DynamoDB Local answers), so the hottest key can be compared with
// DynamoDB's per-partition limits of 1,000 WCU and 3,000 RCU a second.

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface KeyLoad {
  readonly key: string;
  /** Start of the second, epoch ms. */
  readonly second: number;
  readonly items: number;
  /** Undefined when DynamoDB reported no consumed capacity. */
  readonly units: number | undefined;
}

export interface PartitionLoad {
  /** The key and second with the most items written; undefined when nothing was written. */
  readonly hottestWrites: KeyLoad | undefined;
  /** The key and second with the most write units (may be another key than the most items). */
  readonly hottestWriteUnits: KeyLoad | undefined;
  readonly hottestReads: KeyLoad | undefined;
  readonly hottestReadUnits: KeyLoad | undefined;
  readonly keys: number;
  readonly writes: number;
  readonly reads: number;
  /** Items written to every key in the second of `hottestWrites`: that key's share of the load then. */
  readonly writesInHottestSecond: number;
}

interface Cell {
  items: number;
  units: number | undefined;
}

const WRITES = new Set(['Put', 'Update', 'Delete']);
const READS = new Set(['Get', 'Query']);

/** The partition key value a document-client command addresses, or undefined when it has none. */
function partitionOf(command: string, input: Record<string, unknown>, keyName: string): string | undefined {
  const index = typeof input['IndexName'] === 'string' ? `${input['IndexName']}:` : '';
  if (command === 'Put') return valueOf((input['Item'] as Record<string, unknown> | undefined)?.[keyName]);
  if (command !== 'Query') return valueOf((input['Key'] as Record<string, unknown> | undefined)?.[keyName]);
  // `pk = :pk` (or `#pk = :pk`): the placeholder on the equality side names the value.
  const condition = String(input['KeyConditionExpression'] ?? '');
  const placeholder = /(?:^|\s|\()#?\w+\s*=\s*(:\w+)/.exec(condition)?.[1];
  const values = input['ExpressionAttributeValues'] as Record<string, unknown> | undefined;
  const value = placeholder === undefined ? undefined : valueOf(values?.[placeholder]);
  return value === undefined ? undefined : `${index}${value}`;
}

function valueOf(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

let meters = 0;

export class PartitionMeter {
  private readonly name = `benchPartitionMeter${(meters += 1)}`;
  private writes = new Map<string, Cell>();
  private reads = new Map<string, Cell>();
  /** While false, requests pass uncounted. */
  recording = true;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly keyName = 'pk',
  ) {}

  attach(client: DynamoDBDocumentClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        // The document client's commands run as the low-level ones (PutItem, GetItem...): one name each.
        const command = String(context.commandName)
          .replace(/Command$/, '')
          .replace(/Item$/, '');
        const kind = WRITES.has(command) ? this.writes : READS.has(command) ? this.reads : undefined;
        if (kind === undefined || !this.recording) return next(args);
        const input = args.input as Record<string, unknown>;
        input['ReturnConsumedCapacity'] ??= 'TOTAL';
        const result = await next(args);
        const key = partitionOf(command, input, this.keyName);
        if (key === undefined) return result;
        const output = result.output as {
          ConsumedCapacity?: { CapacityUnits?: number };
          Count?: number;
          Item?: unknown;
        };
        const items = WRITES.has(command)
          ? 1
          : command === 'Get'
            ? output.Item === undefined
              ? 0
              : 1
            : (output.Count ?? 0);
        const second = Math.floor(this.now() / 1_000) * 1_000;
        const cellKey = `${second} ${key}`;
        const cell = kind.get(cellKey) ?? { items: 0, units: undefined };
        cell.items += items;
        const units = output.ConsumedCapacity?.CapacityUnits;
        if (units !== undefined) cell.units = (cell.units ?? 0) + units;
        kind.set(cellKey, cell);
        return result;
      },
      { step: 'initialize', name: this.name },
    );
  }

  reset(): void {
    this.writes = new Map();
    this.reads = new Map();
  }

  load(): PartitionLoad {
    const keys = new Set<string>();
    for (const cells of [this.writes, this.reads])
      for (const cellKey of cells.keys()) keys.add(cellKey.slice(cellKey.indexOf(' ') + 1));
    const hottestWrites = hottest(this.writes, (cell) => cell.items);
    let writesInHottestSecond = 0;
    for (const [cellKey, cell] of this.writes) {
      if (hottestWrites !== undefined && cellKey.startsWith(`${hottestWrites.second} `))
        writesInHottestSecond += cell.items;
    }
    return {
      hottestWrites,
      writesInHottestSecond,
      hottestWriteUnits: hottest(this.writes, (cell) => cell.units ?? 0),
      hottestReads: hottest(this.reads, (cell) => cell.items),
      hottestReadUnits: hottest(this.reads, (cell) => cell.units ?? 0),
      keys: keys.size,
      writes: sum(this.writes),
      reads: sum(this.reads),
    };
  }
}

function hottest(cells: ReadonlyMap<string, Cell>, measure: (cell: Cell) => number): KeyLoad | undefined {
  let best: [string, Cell] | undefined;
  for (const entry of cells) if (best === undefined || measure(entry[1]) > measure(best[1])) best = entry;
  if (best === undefined) return undefined;
  const [cellKey, cell] = best;
  const space = cellKey.indexOf(' ');
  return {
    key: cellKey.slice(space + 1),
    second: Number(cellKey.slice(0, space)),
    items: cell.items,
    units: cell.units,
  };
}

function sum(cells: ReadonlyMap<string, Cell>): number {
  let total = 0;
  for (const cell of cells.values()) total += cell.items;
  return total;
}
