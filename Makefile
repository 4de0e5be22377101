# roomcast: the front door. `make test` is what CI runs; targets install what they need on first use.

SHELL := /bin/bash
.DEFAULT_GOAL := help
export NODE_OPTIONS := --experimental-vm-modules
# The SDK warns on Node 20 that future releases need Node 22; Lambda runs nodejs22.x already.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED := true
JEST := npx jest

.PHONY: help install lockfile lint typecheck test test-unit test-contract test-integration build dev

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

test: lint typecheck build ## Lint, type-check, build the bundles and run every test suite
	$(JEST)

test-unit: install ## Domain unit tests only
	$(JEST) --selectProjects unit

test-contract: install ## Port contract suites: fakes and real adapters (DynamoDB Local, @connections on loopback)
	$(JEST) --selectProjects contract

test-integration: install ## Adapters and use cases on DynamoDB Local (needs Java 17+)
	$(JEST) --selectProjects integration

dev: install ## Run the whole service locally (WS_PORT=3001, WEB_PORT=3000, DATA_DIR=, AUTH_MODE=anonymous|jwt)
	npx tsx src/local/main.ts

build: install ## Bundle every function (esbuild, nodejs22.x) into dist/<function>.zip, with a size report
	node scripts/build-functions.mjs

# --- Infrastructure (Terraform) -------------------------------------------------------------------
