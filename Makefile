# Consentry. The two commands a newcomer needs: `make run` and `make test`.
GO      ?= go
# Go 1.26.8's standard library has known vulnerabilities in net/http and
# crypto/tls that Consentry reaches (README: govulncheck); the go command
# fetches this toolchain from the module proxy on first use (~76 MB).
GOTOOLCHAIN ?= go1.27.3
export GOTOOLCHAIN
PKGS    := ./...
ADDR    ?= 127.0.0.1:8080

.PHONY: run build test generate check-generate lint bench loadtest fuzz screenshots clean crashtest

## run: serve the demo on SQLite (./consentry.db) at http://$(ADDR)/demo
run:
	$(GO) run ./cmd/consentry serve --demo --addr $(ADDR)

## build: the binary, in bin/consentry (BIN=PATH elsewhere), stamped with
## VERSION, which `consentry version` prints: by default the checkout's
## `git describe --always --dirty` (v1.2.0 on a tagged commit, v1.2.0-3-gabc1234
## after it, -dirty with uncommitted changes); a release passes its own
## (make build VERSION=v1.2.0). Without git or outside a checkout nothing is
## stamped and the binary says dev.
BIN     ?= bin/consentry
VERSION  = $(shell git describe --always --dirty 2>/dev/null)
build:
	$(GO) build $(if $(VERSION),-ldflags '-X main.version=$(VERSION)') -o $(BIN) ./cmd/consentry

## test: every test, browser tests included (they need /usr/bin/chromium and,
## for the Firefox test, /usr/bin/firefox-esr; the accessibility and HTML
## checks need axe-core and vnu.jar, the Firefox test puppeteer-core, installed
## here when npm is there, and java)
test: axe
	$(GO) test -count=1 -timeout 25m $(PKGS)

## crashtest: SIGKILL the real server under ingest load 100 times (CRASH_ROUNDS=N
## for another number); after each, every acknowledged consent must be there and
## verify must pass. make test runs 3 rounds. The disk-full test (part of make
## test) mounts a small tmpfs, so it needs root; outside CI it skips without.
CRASH_ROUNDS ?= 100
crashtest:
	CONSENTRY_CRASH_ROUNDS=$(CRASH_ROUNDS) $(GO) test -count=1 -timeout 30m -run 'TestCrashSafety|TestDiskFull' -v ./cmd/consentry/

AXE := internal/e2e/node_modules/axe-core/axe.min.js
VNU := internal/e2e/node_modules/vnu-jar/build/dist/vnu.jar
PUPPETEER := internal/e2e/node_modules/puppeteer-core/package.json

.PHONY: axe
axe:
	@if [ ! -f $(AXE) ] || [ ! -f $(VNU) ] || [ ! -f $(PUPPETEER) ]; then \
	  if command -v npm >/dev/null 2>&1; then cd internal/e2e && npm ci --no-audit --no-fund --loglevel=error; \
	  else echo "npm not found: the accessibility, HTML and Firefox checks will skip (they fail under CI)"; fi; \
	fi

## generate: regenerate templ output and the service catalog (committed)
generate:
	@out=$$($(GO) tool templ generate 2>&1); status=$$?; echo "$$out"; \
	if [ $$status -ne 0 ]; then exit $$status; fi; \
	if echo "$$out" | grep -q '^(!)'; then echo "templ warned (above): what it warns of renders wrongly; fix the template" >&2; exit 1; fi
	$(GO) generate ./internal/catalog

## check-generate: fail when the committed templ output is not current
check-generate: generate
	@git diff --exit-code -- templates internal/catalog || (echo "generated output is stale: run make generate and commit" >&2; exit 1)
	@test -z "$$(git status --porcelain -- templates)" || (echo "untracked templ output: run make generate and commit" >&2; exit 1)

## lint: gofmt, go vet and staticcheck
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt needed" >&2; exit 1)
	$(GO) vet $(PKGS)
	$(GO) tool staticcheck $(PKGS)

## bench: the figures DESIGN.md targets (add BENCHFLAGS=-count=5 for medians); with
## CONSENTRY_TEST_POSTGRES_URL set, PostgreSQL beside SQLite (one and two instances);
## CONSENTRY_BENCH_STORE=postgres runs the console benchmarks on PostgreSQL
bench:
	$(GO) test -run '^$$' -bench 'ConsentPost$$|ConsentPostHTTP|Snippet|Banner$$' -benchtime 100000x $(BENCHFLAGS) ./web/
	$(GO) test -run '^$$' -bench 'LatencyAt5k' -benchtime 15000x $(BENCHFLAGS) ./web/
	$(GO) test -run '^$$' -bench 'AppendBatch' -benchtime 200000x $(BENCHFLAGS) ./internal/store/sqlite/ ./internal/store/postgres/
	$(GO) test -run '^$$' -bench 'Console/(Log|Consent|Event|Dashboard)' -benchtime 500x $(BENCHFLAGS) ./web/
	$(GO) test -run '^$$' -bench 'Console/IngestOnFullLog' -benchtime 50000x $(BENCHFLAGS) ./web/
	$(GO) test -count=1 -run 'TestSnippetBudget' -v ./web/ | grep Accept-Encoding

## scale: DESIGN.md's targets on a full store: fill a SQLite file and, with
## CONSENTRY_TEST_POSTGRES_URL set, a PostgreSQL schema (scale_N) to SCALE_EVENTS
## events through the real AppendBatch, then measure appends, log pages, lookups
## and bytes per event on each beside an empty store, a table per store. The
## filled stores are kept (SCALE_DIR) and reused; the first 10M fill takes
## minutes. SCALE_ROUNDS rounds of appends (default 3). Not part of make test,
## which runs the same harness on 3,000 events.
SCALE_EVENTS ?= 10000000
SCALE_DIR    ?= /tmp/consentry-scale
SCALE_ROUNDS ?= 3
.PHONY: scale
scale:
	mkdir -p $(SCALE_DIR)
	CONSENTRY_SCALE_EVENTS=$(SCALE_EVENTS) CONSENTRY_SCALE_DIR=$(SCALE_DIR) CONSENTRY_SCALE_ROUNDS=$(SCALE_ROUNDS) $(GO) test -p 1 -count=1 -timeout 4h -run '^TestScale$$' -v ./internal/store/sqlite/ ./internal/store/postgres/

## scale-upgrade: how long an upgrade from 00006 to the newest schema takes on a full
## store: fill SCALE_EVENTS events (SQLite file upgrade-N.db in SCALE_DIR; with
## CONSENTRY_TEST_POSTGRES_URL set, schema upgrade_N), take it down to 00006 (the old shape),
## time each migration up on its own, verify the ledger. Kept and reused like make scale's stores.
.PHONY: scale-upgrade
scale-upgrade:
	mkdir -p $(SCALE_DIR)
	CONSENTRY_SCALE_EVENTS=$(SCALE_EVENTS) CONSENTRY_SCALE_DIR=$(SCALE_DIR) $(GO) test -p 1 -count=1 -timeout 4h -run '^TestUpgradeScale$$' -v ./internal/store/sqlite/ ./internal/store/postgres/

## snippet-release: freeze the running snippet build in static/releases (commit it)
.PHONY: snippet-release
snippet-release:
	CONSENTRY_FREEZE_SNIPPET=1 $(GO) test -count=1 -run '^TestSnippetReleaseFrozen$$' -v ./web/ | grep froze

## fuzz: each fuzz target for FUZZTIME (default 1m); their seed corpora
## (testdata/fuzz) also run in make test. A finding lands in testdata/fuzz.
FUZZTIME ?= 1m
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecide$$' -fuzztime $(FUZZTIME) ./internal/consent/
	$(GO) test -run '^$$' -fuzz '^FuzzPageOf$$' -fuzztime $(FUZZTIME) ./internal/consent/
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./internal/token/
	$(GO) test -run '^$$' -fuzz '^FuzzEncode$$' -fuzztime $(FUZZTIME) ./internal/token/
	$(GO) test -run '^$$' -fuzz '^FuzzSiteYAML$$' -fuzztime $(FUZZTIME) ./internal/siteyaml/
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeRequest$$' -fuzztime $(FUZZTIME) ./web/

## loadtest: the real binary under wrk -t2 -c64 (needs wrk): consents/s,
## /healthz/s, their ratio, latency, and p99 at 5k/s (DURATION=10s RATE=5000)
loadtest:
	./internal/loadtest/run.sh

## loadtest-instances: PostgreSQL (CONSENTRY_TEST_POSTGRES_URL), one instance
## under wrk -t2 -c64 against two under wrk -t1 -c32 each, alternating, with
## consents/s, p99, batch sizes and where the CPU went (DURATION=10s ROUNDS=2 CONNS=64;
## CPUS=0.5 gives each instance half a core of its own in a cgroup, as separate machines would)
.PHONY: loadtest-instances
loadtest-instances:
	./internal/loadtest/instances.sh

## screenshots: refresh docs/banner-*.png and docs/console-*.png with headless Chromium
screenshots:
	CONSENTRY_SCREENSHOTS=docs $(GO) test -count=1 -run 'TestScreenshots|TestConsoleScreenshots|TestConsoleRequests' ./internal/e2e/

clean:
	rm -rf bin consentry.db consentry.db-shm consentry.db-wal consentry.keys
