// Cold-start slice: the Powertools Logger and its Middy middleware.

import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';

export const logger = new Logger({ serviceName: 'bench' });
export const middleware = injectLambdaContext;
