// Driven adapter support: typed failures of the @connections API that are neither delivered nor gone.

import type { ConnectionId } from '../../domain/index.js';

export class DeliveryError extends Error {
  override readonly name: string = 'DeliveryError';

  constructor(
    readonly connectionId: ConnectionId,
    message: string,
    readonly details: { readonly status?: number; readonly code?: string; readonly attempts: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The event is over the @connections API's 128 KiB limit; retrying cannot help. */
export class PayloadTooLargeError extends DeliveryError {
  override readonly name = 'PayloadTooLargeError';
}
