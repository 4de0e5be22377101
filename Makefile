# roomcast: the front door. `make test` is what CI runs; targets install what they need on first use.

SHELL := /bin/bash
.DEFAULT_GOAL := help
export NODE_OPTIONS := --experimental-vm-modules
# The SDK warns on Node 20 that future releases need Node 22; Lambda runs nodejs22.x already.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED := true
JEST := npx jest

.PHONY: help install lockfile lint typecheck test test-unit test-contract test-integration build client dev soak

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# npm ci runs again whenever the lockfile is newer than the last install.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.installed ## Install dependencies (npm ci)

lockfile: ## Re-resolve dependencies after editing package.json, keeping the lockfile valid for npm ci
	npm install --no-audit --no-fund
	node scripts/complete-lockfile.mjs
	@touch node_modules/.installed

lint: install ## ESLint (with the dependency rule) and Prettier
	npx eslint .
	npx prettier --check .

typecheck: install ## TypeScript, strict
	npx tsc -p tsconfig.json
	npx tsc -p bench/tsconfig.json

# The results file lets a failed run end by saying why (CI keeps only the end of the output); the exit trace,
# written by the Jest process as it exits, says whether anything in it failed after the results were written.
test: lint typecheck build ## Lint, type-check, build the bundles and run every test suite
	@mkdir -p reports/jest && rm -f reports/jest/results.json reports/jest/exit.json
	ROOMCAST_JEST_EXIT_TRACE=reports/jest/exit.json node --require $(CURDIR)/scripts/jest-exit-trace.cjs \
	  node_modules/jest/bin/jest.js --json --outputFile=reports/jest/results.json || \
	  node scripts/explain-test-exit.mjs reports/jest/results.json $$? reports/jest/exit.json

test-unit: install ## Domain unit tests only
	$(JEST) --selectProjects unit

test-contract: install ## Port contract suites: fakes and real adapters (DynamoDB Local, @connections on loopback)
	$(JEST) --selectProjects contract

test-integration: install build ## Adapters and use cases on DynamoDB Local (needs Java 17+)
	$(JEST) --selectProjects integration

soak: install ## Larger load and fault run: 500 clients in 10 rooms (loopback only, bounded in count and time)
	LOAD_CLIENTS=500 LOAD_ROOMS=10 LOAD_MESSAGES=20 $(JEST) --selectProjects e2e --testPathPatterns load-and-faults

dev: install ## Run the whole service locally, handlers reloaded on save (WS_PORT=3001, WEB_PORT=3000, DATA_DIR=, AUTH_MODE=anonymous|jwt, HOT_RELOAD=0)
	npx tsx src/local/main.ts

build: install client ## Bundle every function (esbuild, nodejs22.x) into dist/<function>.zip with a size report; the client package
	node scripts/build-functions.mjs

.PHONY: protocol-docs
protocol-docs: install ## Write docs/asyncapi.json and docs/openapi.json from src/protocol-schema (a test checks they are current)
	npx tsx scripts/protocol-docs.ts

client: install ## Build the client package @roomcast/client into packages/client/dist (`npm pack packages/client`)
	node scripts/build-client.mjs

# --- Infrastructure (Terraform) -------------------------------------------------------------------
# `make plan`, `make deploy` and `make destroy` work on the root module in terraform/ with the variables
# file TF_VARS; `make test` covers Terraform only through the offline infra suite.
TERRAFORM ?= terraform
TF_DIR := terraform
TF := $(TERRAFORM) -chdir=$(TF_DIR)
TF_VARS ?= terraform/examples/dev.tfvars
# The S3 backend's settings (a partial backend configuration file, see docs/deploy.md, "State"), or
# TF_STATE=local for a throwaway stack with local state; terraform/scripts/init.sh refuses anything else.
TF_BACKEND_CONFIG ?=
TF_STATE ?=
TF_WORKSPACE_NAME ?=
# AUTO_APPROVE=1 applies or destroys without asking.
AUTO_APPROVE ?=
TF_PLAN_FILE := roomcast.tfplan

TF_VAR_FILE = -var-file=$(abspath $(TF_VARS))
TF_APPROVE = $(if $(AUTO_APPROVE),-auto-approve)

define tf_init
	TERRAFORM="$(TERRAFORM)" TF_DIR="$(TF_DIR)" TF_BACKEND_CONFIG="$(TF_BACKEND_CONFIG)" TF_STATE="$(TF_STATE)" \
	  TF_WORKSPACE_NAME="$(TF_WORKSPACE_NAME)" bash $(TF_DIR)/scripts/init.sh
endef

.PHONY: plan deploy destroy rollback tf-fmt tf-check

tf-check:
	@command -v $(TERRAFORM) >/dev/null 2>&1 || { echo "terraform not found: install Terraform 1.9 or later (see docs/deploy.md)" >&2; exit 1; }
	@test -f "$(TF_VARS)" || { echo "TF_VARS=$(TF_VARS): no such file; start from terraform/examples/*.tfvars" >&2; exit 1; }

tf-fmt: ## Format the Terraform files in place
	$(TERRAFORM) fmt -recursive $(TF_DIR)

# PREBUILT=1: the bundles are built already (CI builds them before it is given AWS credentials).
plan: $(if $(PREBUILT),,build) tf-check ## Terraform fmt check, init, validate and plan (TF_VARS=..., TF_BACKEND_CONFIG=... or TF_STATE=local)
	$(TERRAFORM) fmt -check -recursive $(TF_DIR)
	@bash scripts/require-aws-credentials.sh plan
	$(tf_init)
	$(TF) validate
	$(TF) plan -input=false $(TF_VAR_FILE) -out=$(TF_PLAN_FILE)

deploy: build tf-check ## Build the bundles and apply them (TF_VARS=..., TF_BACKEND_CONFIG=... or TF_STATE=local, AUTO_APPROVE=1)
	@bash scripts/require-aws-credentials.sh deploy
	$(tf_init)
	$(TF) apply $(TF_VAR_FILE) $(TF_APPROVE)
	@$(TF) output
	@printf '\nConnect with:\n  %s\n' "$$($(TF) output -raw wscat_command)"

# Destroy evaluates the configuration too, and that reads the packages: hence the build.
destroy: build tf-check ## Tear the stack down (TF_VARS=...; apply deletion_protection = false first where it is on)
	@bash scripts/require-aws-credentials.sh destroy
	$(tf_init)
	$(TF) destroy $(TF_VAR_FILE) $(TF_APPROVE)

# Rollback needs neither a build nor terraform: it moves the live alias with the AWS CLI.
FUNCTION ?=
TO_VERSION ?=
STACK ?=

rollback: ## Point the live alias of FUNCTION=<name>|all at its previous version, no rebuild (TF_VARS=..., TO_VERSION=n)
	@FUNCTION="$(FUNCTION)" TO_VERSION="$(TO_VERSION)" STACK="$(STACK)" TF_VARS="$(TF_VARS)" bash $(TF_DIR)/scripts/rollback.sh

# --- Benchmarks -----------------------------------------------------------------------------------
.PHONY: bench

bench: install build ## Benchmarks against the classic baseline and a floor: one table, bench/results.json, docs/performance.md
	npx tsx bench/run.ts

# --- Mutation testing (not part of `make test`) ---------------------------------------------------
# StrykerJS (stryker.config.mjs) in a sandbox under .stryker-tmp/. One Stryker run per area, so that each
# area's report and incremental state (reports/mutation/<area>/) are kept even if a later area is stopped;
# scripts/mutation.ts starts one DynamoDB Local per area for the suites that need it, then prints the scores.
.PHONY: mutation
MUTATE ?= domain runtime adapters

mutation: install ## Mutation testing, one area after another (MUTATE=domain|runtime|adapters); scores per area
	npx tsx scripts/mutation.ts $(MUTATE)
