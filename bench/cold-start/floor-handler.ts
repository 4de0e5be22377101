// Cold-start floor: a handler that only constructs the SDK clients every chat function builds (the
// DynamoDB document client and the @connections client), bundled exactly like the functions.

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const connections = new ApiGatewayManagementApiClient({ endpoint: 'https://example.invalid/stage' });

export const handler = async (): Promise<{ statusCode: number }> => {
  // Referenced so neither client is dropped as unused.
  return { statusCode: documents && connections ? 200 : 500 };
};
