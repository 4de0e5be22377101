#!/usr/bin/env bash
# `terraform init` for `make plan`, `make deploy`, `make destroy`: refuses, before terraform runs, every
# way a plan could start from empty state while the stack's real state is elsewhere. The backend is
# S3 (backend.tf) with the settings of TF_BACKEND_CONFIG; TF_STATE=local is a deliberate opt-out for a
# throwaway stack whose state stays in terraform/terraform.tfstate, never allowed in CI.
#
# Environment: TERRAFORM (binary), TF_DIR (root module), TF_BACKEND_CONFIG, TF_STATE, TF_WORKSPACE_NAME,
# and CI / GITHUB_ACTIONS as set by CI runners.
set -euo pipefail

terraform_bin="${TERRAFORM:-terraform}"
tf_dir="${TF_DIR:-terraform}"
backend_config="${TF_BACKEND_CONFIG:-}"
state_mode="${TF_STATE:-}"
local_override="${tf_dir}/local_state_override.tf"
in_ci=false
if [ "${CI:-}" = "true" ] || [ "${GITHUB_ACTIONS:-}" = "true" ]; then in_ci=true; fi

refuse() {
  printf 'Refusing to run terraform: %s\n\nSee docs/deploy.md, "State".\n' "$1" >&2
  exit 1
}

# The local state of a stack deployed with TF_STATE=local: resources a remote backend knows nothing of.
local_state_has_resources() {
  local file
  for file in "${tf_dir}/terraform.tfstate" "${tf_dir}"/terraform.tfstate.d/*/terraform.tfstate; do
    if [ -s "${file}" ] && grep -q '"mode": "managed"' "${file}"; then return 0; fi
  done
  return 1
}

case "${state_mode}" in
  "" | remote) state_mode=remote ;;
  local) ;;
  *) refuse "TF_STATE=${state_mode}: use TF_STATE=local for local state, or leave it unset for the S3 backend." ;;
esac

if [ "${state_mode}" = local ]; then
  [ -z "${backend_config}" ] ||
    refuse "TF_STATE=local and TF_BACKEND_CONFIG=${backend_config} contradict each other: unset one."
  [ "${in_ci}" = false ] ||
    refuse "TF_STATE=local in CI: every run would start from empty state. Set TF_BACKEND_CONFIG to the shared backend's file."
  # Overrides backend.tf for this working copy only (the file is ignored by git).
  printf '# Written by terraform/scripts/init.sh for TF_STATE=local; removed by any other run.\nterraform {\n  backend "local" {}\n}\n' >"${local_override}"
  echo "State: local (${tf_dir}/terraform.tfstate), as TF_STATE=local asks."
  "${terraform_bin}" -chdir="${tf_dir}" init -input=false -reconfigure
else
  rm -f "${local_override}"
  if [ -z "${backend_config}" ]; then
    if [ "${in_ci}" = true ]; then
      refuse "no TF_BACKEND_CONFIG in CI. Without the shared state every plan shows the whole stack as new: set the TF_BACKEND_CONFIG repository variable to the backend file (terraform/backends/<env>.s3.tfbackend)."
    fi
    refuse "no TF_BACKEND_CONFIG. The state lives in S3: pass the backend file (TF_BACKEND_CONFIG=terraform/backends/<env>.s3.tfbackend), or TF_STATE=local for a throwaway stack whose state stays on this machine."
  fi
  [ -f "${backend_config}" ] ||
    refuse "TF_BACKEND_CONFIG=${backend_config}: no such file. Terraform would run against empty state and plan the whole stack anew."
  grep -Eq '^[[:space:]]*bucket[[:space:]]*=' "${backend_config}" && grep -Eq '^[[:space:]]*key[[:space:]]*=' "${backend_config}" ||
    refuse "TF_BACKEND_CONFIG=${backend_config} sets no bucket or no key."
  if local_state_has_resources; then
    refuse "${tf_dir} holds local state with resources, which the S3 backend would not see. Move it there once with: terraform -chdir=${tf_dir} init -migrate-state -backend-config=<file> (then delete the local copy), or keep using TF_STATE=local."
  fi
  # -reconfigure: switching from one environment's backend file to another's must never copy state across.
  "${terraform_bin}" -chdir="${tf_dir}" init -input=false -reconfigure -backend-config="$(realpath "${backend_config}")"
fi

if [ -n "${TF_WORKSPACE_NAME:-}" ]; then
  "${terraform_bin}" -chdir="${tf_dir}" workspace select -or-create "${TF_WORKSPACE_NAME}"
fi
