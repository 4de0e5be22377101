#!/usr/bin/env bash
# Deployment guard for `make plan`, `make deploy` and `make destroy`: stops early, with a message that
# says what to do, when no AWS credentials are configured. With the AWS CLI installed it asks STS who
# the caller is; without it, it looks for the usual credential sources and makes no call.
set -euo pipefail

target="${1:-deploy}"

if [ "${AWS_CREDENTIALS_CHECK:-on}" = "off" ]; then
  exit 0
fi

refuse() {
  cat >&2 <<MESSAGE
make ${target} needs AWS credentials and found none usable: ${1}

Configure credentials for the target account first, for example:
  aws sso login --profile my-profile && export AWS_PROFILE=my-profile
  or export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... (AWS_SESSION_TOKEN=...)
See docs/deploy.md. On hosts whose credentials come from instance metadata, set
AWS_CREDENTIALS_CHECK=off to skip this check.
MESSAGE
  exit 1
}

if command -v aws >/dev/null 2>&1; then
  if identity="$(aws sts get-caller-identity --query Arn --output text 2>&1)"; then
    echo "AWS identity: ${identity}"
    exit 0
  fi
  refuse "aws sts get-caller-identity failed: ${identity//$'\n'/ }"
fi

credentials_file="${AWS_SHARED_CREDENTIALS_FILE:-${HOME}/.aws/credentials}"
config_file="${AWS_CONFIG_FILE:-${HOME}/.aws/config}"

if [ -n "${AWS_ACCESS_KEY_ID:-}" ] && [ -n "${AWS_SECRET_ACCESS_KEY:-}" ]; then exit 0; fi
if [ -n "${AWS_PROFILE:-}" ]; then exit 0; fi
if [ -n "${AWS_WEB_IDENTITY_TOKEN_FILE:-}" ] && [ -n "${AWS_ROLE_ARN:-}" ]; then exit 0; fi
if [ -n "${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-}${AWS_CONTAINER_CREDENTIALS_FULL_URI:-}" ]; then exit 0; fi
if [ -s "${credentials_file}" ]; then exit 0; fi
if [ -s "${config_file}" ] &&
  grep -Eq '^[[:space:]]*(aws_access_key_id|sso_session|sso_start_url|credential_process|role_arn|web_identity_token_file)[[:space:]]*=' "${config_file}"; then
  exit 0
fi

refuse "none found in the environment, an AWS profile, ~/.aws, a web identity token or container credentials"
