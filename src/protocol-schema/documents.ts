// Protocol documents: the two documents as the files docs/asyncapi.json and docs/openapi.json hold them.
// `make protocol-docs` writes them; a test checks the committed files equal this output.

import { asyncApiDocument } from './asyncapi-document.js';
import { openApiDocument } from './openapi-document.js';

export { asyncApiDocument } from './asyncapi-document.js';
export { openApiDocument } from './openapi-document.js';

/** Path (from the repository root) -> file contents. */
export function protocolDocumentFiles(): Readonly<Record<string, string>> {
  return {
    'docs/asyncapi.json': render(asyncApiDocument()),
    'docs/openapi.json': render(openApiDocument()),
  };
}

function render(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
