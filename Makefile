# Hodan: the district server and the field app.
GO ?= go

.PHONY: build test vet bench clean

build:
	$(GO) build -o bin/hodan-server ./server
	$(GO) build -o bin/hodan ./client-cli

test:
	$(GO) test -race ./...

# Benchmarks (see BENCHMARKS.md): the engine's merge beside raw SQLite
# inserts, log-size scaling, bytes per cell; then end to end over loopback
# and a simulated 2G link: a day's sync, a commune's bootstrap, 200 devices
# at once, recording a household from the CLI. About 3 minutes on 2 cores.
# HODAN_BENCH_LARGE=1 adds a log of a million changes to the scale points,
# HODAN_BENCH_HUGE=1 ten million. Compare runs with benchstat.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 20x -count 5 ./syncengine/
	$(GO) test -run '^$$' -bench . -benchtime 2x -count 1 -timeout 60m ./bench/

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { echo "not gofmt-ed:"; gofmt -l .; exit 1; }

clean:
	rm -rf bin
