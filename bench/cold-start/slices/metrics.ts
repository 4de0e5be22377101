// Cold-start slice: Powertools Metrics (CloudWatch EMF).

import { Metrics } from '@aws-lambda-powertools/metrics';

export const metrics = new Metrics({ serviceName: 'bench', namespace: 'bench' });
