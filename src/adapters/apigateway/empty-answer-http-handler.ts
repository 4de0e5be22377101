// Driven adapter support: the @connections client's HTTP handler. A successful PostToConnection or
// DeleteConnection answers with no body; the SDK would still pipe that empty stream through its body
// collector on every call, so such an answer is handed on with an empty body instead.

import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions, HttpRequest, HttpResponse } from '@smithy/protocol-http';

export class EmptyAnswerHttpHandler extends NodeHttpHandler {
  override async handle(
    request: HttpRequest,
    options?: HttpHandlerOptions,
  ): Promise<{ response: HttpResponse }> {
    const result = await super.handle(request, options);
    const { response } = result;
    // Errors keep their body: the SDK reads the error's type and message from it.
    if (response.statusCode < 300 && response.headers['content-length'] === '0') {
      // Read to the end, so the keep-alive socket goes back to the pool.
      (response.body as NodeJS.ReadableStream).resume();
      response.body = new Uint8Array(0);
    }
    return result;
  }
}
