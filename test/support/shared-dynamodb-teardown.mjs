// Jest global teardown: stops the DynamoDB Local the global setup started for the run.

export { teardown as default } from './shared-dynamodb-setup.mjs';
