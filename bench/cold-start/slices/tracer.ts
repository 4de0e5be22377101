// Cold-start slice: the Powertools Tracer (with the X-Ray SDK) and its Middy middleware.

import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';

export const tracer = new Tracer({ serviceName: 'bench' });
export const middleware = captureLambdaHandler;
