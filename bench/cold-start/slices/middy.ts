// Cold-start slice: Middy's core and the JSON body parser, as every message route uses them.

import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';

export const handler = middy()
  .use(httpJsonBodyParser({ disableContentTypeCheck: true }))
  .handler(async () => ({ statusCode: 200 }));
