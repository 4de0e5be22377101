// Cold-start slice: the @connections client alone, as src/adapters/apigateway builds it.

import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export const connections = new ApiGatewayManagementApiClient({
  endpoint: 'https://example.invalid/stage',
  maxAttempts: 1,
  requestHandler: new NodeHttpHandler({}),
});
