# Hodan: the district server and the field app.
GO ?= go

.PHONY: build test vet bench clean

build:
	$(GO) build -o bin/hodan-server ./server
	$(GO) build -o bin/hodan ./client-cli

test:
	$(GO) test -race ./...

# Benchmarks: merge throughput beside raw SQLite inserts, bytes per cell on
# the wire. Compare runs with benchstat.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 50x -count 5 ./syncengine/

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { echo "not gofmt-ed:"; gofmt -l .; exit 1; }

clean:
	rm -rf bin
