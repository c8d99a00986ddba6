# The two commands a new user needs: `make run` and `make test`. Both install
# dependencies first when node_modules is missing or older than the lock file.
SHELL := /bin/bash
NPM_STAMP := node_modules/.installed
DATABASE_URI ?= pglite://./data
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: install build chromium h2load run test test-pglite test-postgres gen check-gen lint lint-deploy typecheck bench migrations ci clean

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(NPM_STAMP)

# JavaScript in dist/ for the launchers in bin/, so a start does not compile TypeScript
# (a no-op when dist/ is current; without it the launchers run the sources through tsx).
build: $(NPM_STAMP)
	node scripts/build.mjs

run: build
	node bin/identity-server.js start --is.database-uri $(DATABASE_URI)

# The page tests drive Debian's Chromium (playwright-core downloads no browser).
CHROMIUM ?= /usr/bin/chromium
chromium:
	@test -x $(CHROMIUM) || command -v apt-get >/dev/null || { echo "the browser tests need Chromium at $(CHROMIUM) (set CHROMIUM=...)"; exit 1; }
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: $(NPM_STAMP) chromium
	CHROMIUM_PATH=$(CHROMIUM) node scripts/uvu.mjs test

test-pglite: test

test-postgres: $(NPM_STAMP) chromium
	CHROMIUM_PATH=$(CHROMIUM) DATABASE_URL=$(PG_TEST_URL) node scripts/uvu.mjs test

gen: $(NPM_STAMP)
	npx --no-install buf generate
	npx --no-install buf lint proto

# Fails when gen/ does not match proto/, or drizzle/ lacks a migration for the schema.
check-gen: gen
	git diff --exit-code --stat -- gen
	@test -z "$$(git status --porcelain -- gen)" || { git status --porcelain -- gen; echo "gen/ has files not in git"; exit 1; }
	npx --no-install drizzle-kit generate --name unsaved_schema_change >/dev/null
	@test -z "$$(git status --porcelain -- drizzle)" || { git status --porcelain -- drizzle; echo "the schema changed without a migration: run make migrations"; exit 1; }

lint: $(NPM_STAMP)
	npx --no-install buf lint proto

# deploy/ (Dockerfile, compose.yaml, kubernetes.yaml) parsed and checked without Docker: scripts/lint-deploy.mjs.
lint-deploy: $(NPM_STAMP)
	node scripts/lint-deploy.mjs

typecheck: $(NPM_STAMP)
	npx --no-install tsc --noEmit -p .

# New SQL migration from the schema in src/store/pg/schema (name it: make migrations NAME=add_x).
migrations: $(NPM_STAMP)
	npx --no-install drizzle-kit generate --name $(or $(NAME),change)

# The benchmarks load gRPC with Debian's h2load (nghttp2-client) and HTTP with autocannon (npm).
h2load:
	@command -v h2load >/dev/null || command -v apt-get >/dev/null || { echo "the benchmarks need h2load (Debian's nghttp2-client)"; exit 1; }
	@command -v h2load >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nghttp2-client >/dev/null; }

# make bench [BENCH="oauth startup"] [DATABASE_URL=postgres://.../scratch] [BENCH_SECONDS=5 BENCH_ROUNDS=3 BENCH_IN_FLIGHT=16]
bench: $(NPM_STAMP) h2load
	node --import tsx bench/run.ts $(BENCH)

ci: check-gen typecheck lint-deploy test test-postgres

clean:
	rm -rf node_modules data dist
