// Cold-start slice: aws-jwt-verify, the authorizer's token verification.

import { JwtRsaVerifier } from 'aws-jwt-verify';

export const verifier = JwtRsaVerifier;
