// Local emulator: ids shaped like API Gateway's (16 characters of URL-safe base64 ending in `=`),
// so code under test meets the `=`, `-` and `_` it will meet in AWS (and `%3D` on management paths).

import { randomBytes } from 'node:crypto';

export function awsShapedId(): string {
  // 11 random bytes encode to 15 base64url characters; API Gateway's ids end with one `=`.
  return `${randomBytes(11).toString('base64url')}=`;
}

export const AWS_SHAPED_ID = /^[A-Za-z0-9_-]{15}=$/;
