// Bench support: counts what a DynamoDB client sends and what it costs. Middleware asks every request
// for its consumed capacity (ReturnConsumedCapacity=TOTAL) and records requests, items read (scanned)
// and returned, and read and write units as DynamoDB reports them.

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Commands that accept ReturnConsumedCapacity. */
const METERED = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

export interface RequestRecord {
  readonly command: string;
  /** Items DynamoDB evaluated (read units are charged on these, before any filter). */
  readonly scanned: number;
  /** Items returned after the filter. */
  readonly returned: number;
  readonly capacityUnits: number | undefined;
}

export interface MeterSnapshot {
  readonly requests: number;
  readonly byCommand: Readonly<Record<string, number>>;
  readonly itemsRead: number;
  readonly itemsReturned: number;
  /** Undefined when DynamoDB reported no consumed capacity at all. */
  readonly readUnits: number | undefined;
  readonly writeUnits: number | undefined;
  readonly records: readonly RequestRecord[];
}

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

let meters = 0;

export class DynamoMeter {
  /** Each meter adds its own middleware; the stack refuses two of the same name. */
  private readonly name = `benchDynamoMeter${(meters += 1)}`;
  private records: RequestRecord[] = [];
  private readUnits = 0;
  private writeUnits = 0;
  private reported = false;
  enabled = true;

  attach(client: DynamoDBDocumentClient | DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const command = String(context.commandName).replace(/Command$/, '');
        if (!this.enabled) return next(args);
        const input = args.input as Record<string, unknown>;
        if (METERED.has(command) && input['ReturnConsumedCapacity'] === undefined) {
          input['ReturnConsumedCapacity'] = 'TOTAL';
        }
        const result = await next(args);
        const output = result.output as {
          ConsumedCapacity?: Capacity | Capacity[];
          ScannedCount?: number;
          Count?: number;
          Item?: unknown;
        };
        const consumed = output.ConsumedCapacity;
        const list = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
        let units: number | undefined;
        for (const entry of list) {
          this.reported = true;
          const total = entry.CapacityUnits ?? 0;
          units = (units ?? 0) + total;
          // Transactions and batches may split reads and writes; single requests only give a total.
          if (entry.ReadCapacityUnits !== undefined || entry.WriteCapacityUnits !== undefined) {
            this.readUnits += entry.ReadCapacityUnits ?? 0;
            this.writeUnits += entry.WriteCapacityUnits ?? 0;
          } else if (READS.has(command)) this.readUnits += total;
          else this.writeUnits += total;
        }
        const single = command === 'GetItem' ? (output.Item === undefined ? 0 : 1) : undefined;
        this.records.push({
          command,
          scanned: output.ScannedCount ?? single ?? 0,
          returned: output.Count ?? single ?? 0,
          capacityUnits: units,
        });
        return result;
      },
      { step: 'initialize', name: this.name },
    );
  }

  reset(): void {
    this.records = [];
    this.readUnits = 0;
    this.writeUnits = 0;
    this.reported = false;
  }

  snapshot(): MeterSnapshot {
    const byCommand: Record<string, number> = {};
    for (const record of this.records) byCommand[record.command] = (byCommand[record.command] ?? 0) + 1;
    return {
      requests: this.records.length,
      byCommand,
      itemsRead: this.records.reduce((sum, r) => sum + r.scanned, 0),
      itemsReturned: this.records.reduce((sum, r) => sum + r.returned, 0),
      readUnits: this.reported ? this.readUnits : undefined,
      writeUnits: this.reported ? this.writeUnits : undefined,
      records: [...this.records],
    };
  }
}
