# Hodan: the district server and the field app.
GO ?= go

# The folder `make serve` runs the district server in: its database
# (hodan-server.db), the snapshots it keeps beside it, the certificates of
# `hodan-server tls init` (tls/, with the CA's private key) and what the
# walkthrough exports all stay there, out of git (.gitignore).
WALKTHROUGH ?= walkthrough

.PHONY: build serve test test-long vet generate bench bench-peer release clean

build:
	$(call sqlite-note)
	$(GO) build -v -o bin/hodan-server ./server
	$(GO) build -v -o bin/hodan ./client-cli

# Build the server alone and start it in $(WALKTHROUGH)/ on 127.0.0.1:8080;
# ARGS adds flags (make serve ARGS="--addr 127.0.0.1:8081"). Stop it with
# Ctrl-C.
serve:
	$(call sqlite-note)
	$(GO) build -v -o bin/hodan-server ./server
	mkdir -p $(WALKTHROUGH)
	cd $(WALKTHROUGH) && $(CURDIR)/bin/hodan-server serve $(ARGS)

# sqlite-note says, before a build that compiles SQLite's C source
# (mattn/go-sqlite3, cgo), that it takes minutes and prints nothing while it
# runs: the first build, and the first with -race ($(1)). go build -v then
# names each package as it is compiled, none on a later build.
sqlite-note = @if [ "$$($(GO) list $(1) -f '{{.Stale}}' github.com/mattn/go-sqlite3)" = true ]; then \
	echo "Compiling SQLite (cgo) once$(if $(1), for the race detector): 3 to 6 minutes on 2 cores, with no output for most of it; later builds take seconds."; \
	fi

# Every test, with the race detector, the randomized ones on a small budget:
# a few minutes on 2 cores once built. test-long gives them their whole
# budget and adds the tests that are long by nature (see internal/longtest):
# run it before merging a change to the engine, the server or storage.
# With HODAN_TEST_POSTGRES naming a PostgreSQL server (.ci/run starts one),
# the store suites run on it too (internal/pgtest), and both then run the
# end-to-end suite a second time with every server's store in a database of
# it (e2e-on-postgres).
test:
	$(call sqlite-note,-race)
	$(GO) test -race ./...
	$(call e2e-on-postgres)

test-long:
	$(call sqlite-note,-race)
	HODAN_LONG_TESTS=1 $(GO) test -race -timeout 30m ./...
	$(call e2e-on-postgres,HODAN_LONG_TESTS=1 ,-timeout 30m )

# e2e-on-postgres runs the end-to-end suite again with HODAN_E2E_STORE=postgres
# (e2e/doc.go): each server of each test on a new database of the server
# HODAN_TEST_POSTGRES names, the laptops on SQLite as ever; about as long as
# the first run of it. Nothing without HODAN_TEST_POSTGRES. $(1) adds to
# the environment, $(2) to go test's flags.
e2e-on-postgres = @if [ -n "$$HODAN_TEST_POSTGRES" ]; then \
	echo "$(1)HODAN_E2E_STORE=postgres $(GO) test -race $(2)./e2e"; \
	$(1)HODAN_E2E_STORE=postgres $(GO) test -race $(2)./e2e; \
	fi

# Benchmarks (see BENCHMARKS.md): the engine's merge beside raw SQLite
# inserts, log-size scaling, bytes per cell; then end to end over loopback
# and a simulated 2G link: a day's sync, a commune's bootstrap, 200 devices
# at once, recording a household from the CLI. About 3 minutes on 2 cores.
# HODAN_BENCH_LARGE=1 adds a log of a million changes to the scale points,
# HODAN_BENCH_HUGE=1 ten million. Compare runs with benchstat.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 20x -count 5 ./syncengine/
	$(GO) test -run '^$$' -bench . -benchtime 2x -count 1 -timeout 60m ./bench/

# A whole `hodan sync` beside PouchDB replication of the same commune, both
# behind the same byte-counting proxy (bench/peer, BENCHMARKS.md): ratios per
# round. Installs the PouchDB peer from its lock file (npm ci) the first
# time; builds the laptop's database once per build (about 2 minutes), then
# about 2 minutes a round. PEER_ARGS="-rounds 5" for more rounds. Not run by
# .ci/run.
PEER_ARGS ?= -rounds 3 -households 3000
bench-peer: build
	cd bench/peer/pouchdb && { test node_modules/.package-lock.json -nt package-lock.json || npm ci --no-audit --no-fund; }
	$(GO) run ./bench/peer $(PEER_ARGS)

# Officers' laptops mostly run Windows. release cross-builds hodan and
# hodan-server for Windows and Linux (amd64) into dist/, one zip each with
# README.md, and for Windows Hodan.cmd, which starts the officer's app
# (hodan ui). SQLite is C (cgo): the Windows build needs MinGW-w64's gcc,
# which this target installs from Debian's packages when it is missing.
# About 5 minutes the first time (SQLite compiled for each system).
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
RELEASE_FLAGS = -trimpath -ldflags "-s -w"
MINGW_CC = x86_64-w64-mingw32-gcc
release:
	@command -v $(MINGW_CC) >/dev/null || { \
		echo "Installing MinGW-w64 (gcc-mingw-w64-x86-64) to build SQLite for Windows"; \
		apt-get install -y -qq --no-install-recommends gcc-mingw-w64-x86-64 zip >/dev/null || \
		{ echo "Could not install it: run apt-get install gcc-mingw-w64-x86-64 zip as root, then make release again."; exit 1; }; }
	rm -rf dist && mkdir -p dist/hodan-windows-amd64 dist/hodan-linux-amd64
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=$(MINGW_CC) $(GO) build $(RELEASE_FLAGS) -o dist/hodan-windows-amd64/hodan.exe ./client-cli
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=$(MINGW_CC) $(GO) build $(RELEASE_FLAGS) -o dist/hodan-windows-amd64/hodan-server.exe ./server
	CGO_ENABLED=1 GOOS=linux GOARCH=amd64 $(GO) build $(RELEASE_FLAGS) -o dist/hodan-linux-amd64/hodan ./client-cli
	CGO_ENABLED=1 GOOS=linux GOARCH=amd64 $(GO) build $(RELEASE_FLAGS) -o dist/hodan-linux-amd64/hodan-server ./server
	cp packaging/windows/Hodan.cmd dist/hodan-windows-amd64/
	for d in dist/hodan-windows-amd64 dist/hodan-linux-amd64; do cp README.md $$d/; done
	cd dist && zip -qr hodan-windows-amd64-$(VERSION).zip hodan-windows-amd64 && zip -qr hodan-linux-amd64-$(VERSION).zip hodan-linux-amd64
	@ls -l dist/*.zip

# The message catalogue is compiled in: after editing
# internal/i18n/messages/*.json, regenerate internal/i18n/catalogue_gen.go
# (its tests fail until then) and commit both.
generate:
	$(GO) generate ./internal/i18n

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { echo "not gofmt-ed:"; gofmt -l .; exit 1; }

clean:
	rm -rf bin
