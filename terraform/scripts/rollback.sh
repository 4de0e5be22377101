#!/usr/bin/env bash
# `make rollback`: points the live alias of one function, or of every function, at the version before
# the one it serves now, with the AWS CLI alone: no build, no terraform. API Gateway and the queue's
# event source mapping invoke the alias, so the earlier code serves the next request. The next
# `make deploy` points the alias at the newest version again.
#
# Environment: FUNCTION (a route-table function name, or "all"), TO_VERSION (optional, with one FUNCTION:
# the version to serve instead of the previous one), STACK (the function name prefix, <name>-<environment>;
# by default read from TF_VARS), TF_VARS, ROUTE_TABLE, AWS_CLI (the aws binary).
set -euo pipefail

aws_cli="${AWS_CLI:-aws}"
alias_name=live
route_table="${ROUTE_TABLE:-src/handlers/route-table.json}"
function_arg="${FUNCTION:-}"

fail() {
  printf 'make rollback: %s\n' "$1" >&2
  exit 1
}

usage="usage: make rollback FUNCTION=<function>|all [TO_VERSION=<n>] TF_VARS=terraform/examples/<env>.tfvars (see docs/deploy.md, \"Roll back\")"
[ -n "${function_arg}" ] || fail "FUNCTION is not set. ${usage}"

command -v "${aws_cli}" >/dev/null 2>&1 ||
  fail "the AWS CLI (${aws_cli}) was not found: rollback calls Lambda with it. Install AWS CLI v2, then configure credentials."

if ! identity="$("${aws_cli}" sts get-caller-identity --query Arn --output text 2>&1)"; then
  fail "no usable AWS credentials (aws sts get-caller-identity: ${identity//$'\n'/ }). Sign in first, for example: aws sso login --profile my-profile && export AWS_PROFILE=my-profile"
fi

# The function names are <name>-<environment>-<function>, as the root module names them.
tfvar() {
  sed -nE "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"([^\"]*)\".*/\\1/p" "${TF_VARS}" | head -n 1
}
stack="${STACK:-}"
if [ -z "${stack}" ]; then
  [ -n "${TF_VARS:-}" ] && [ -f "${TF_VARS}" ] || fail "TF_VARS=${TF_VARS:-} is not a file, and no STACK=<name>-<environment> was given. ${usage}"
  environment="$(tfvar environment)"
  [ -n "${environment}" ] || fail "${TF_VARS} sets no environment."
  stack="$(tfvar name)"
  stack="${stack:-roomcast}-${environment}"
fi

if [ "${function_arg}" = all ]; then
  [ -z "${TO_VERSION:-}" ] || fail "TO_VERSION applies to one FUNCTION, not to all."
  read -r -a functions <<<"$(node -e 'const t = require(process.argv[1]); console.log(Object.keys(t.functions).join(" "))' "$(realpath "${route_table}")")"
else
  functions=("${function_arg}")
fi

echo "AWS identity: ${identity}; stack ${stack}"
status=0
for name in "${functions[@]}"; do
  function_name="${stack}-${name}"
  if ! current="$("${aws_cli}" lambda get-alias --function-name "${function_name}" --name "${alias_name}" --query FunctionVersion --output text 2>&1)"; then
    # An anonymous stack has no authorizer: "all" passes over functions the stack does not have.
    if [ "${function_arg}" = all ] && [[ "${current}" == *ResourceNotFoundException* ]]; then
      echo "${function_name}: not deployed, skipped"
      continue
    fi
    printf '%s: cannot read its %s alias: %s\n' "${function_name}" "${alias_name}" "${current//$'\n'/ }" >&2
    status=1
    continue
  fi
  if [ -n "${TO_VERSION:-}" ]; then
    target="${TO_VERSION}"
  else
    # Published versions, oldest first; the one before the alias's is the one to go back to.
    target="$("${aws_cli}" lambda list-versions-by-function --function-name "${function_name}" \
      --query 'Versions[].Version' --output text | tr '\t' '\n' | grep -E '^[0-9]+$' | sort -n |
      awk -v current="${current}" '$1 < current { previous = $1 } END { print previous }')"
  fi
  if [ -z "${target}" ]; then
    printf '%s: %s serves version %s and there is no earlier version to go back to\n' "${function_name}" "${alias_name}" "${current}" >&2
    status=1
    continue
  fi
  "${aws_cli}" lambda update-alias --function-name "${function_name}" --name "${alias_name}" \
    --function-version "${target}" --query FunctionVersion --output text >/dev/null
  echo "${function_name}: ${alias_name} ${current} -> ${target}"
done
exit "${status}"
