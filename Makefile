# Hodan: the district server and the field app.
GO ?= go

.PHONY: build test vet clean

build:
	$(GO) build -o bin/hodan-server ./server
	$(GO) build -o bin/hodan ./client-cli

test:
	$(GO) test -race ./...

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { echo "not gofmt-ed:"; gofmt -l .; exit 1; }

clean:
	rm -rf bin
