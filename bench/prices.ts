// Bench input: the AWS prices the cost model uses, as published for us-east-1, and when they were checked.
// Update the numbers and the date together.

export const PRICES = {
  region: 'us-east-1',
  checked: '2026-11-21',
  apiGateway: {
    /** WebSocket APIs, first billion messages a month; messages are metered in 32 KB units. */
    perMillionMessages: 1.0,
    perMillionConnectionMinutes: 0.25,
  },
  lambda: {
    architecture: 'arm64',
    perGbSecond: 0.0000133334,
    perMillionRequests: 0.2,
  },
  dynamoDb: {
    /** On-demand capacity, Standard table class. */
    perMillionWriteRequestUnits: 0.625,
    perMillionReadRequestUnits: 0.125,
  },
} as const;
