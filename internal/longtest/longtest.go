// Package longtest says whether a test run is the long one. A plain
// `go test ./...` (and `make test`, with the race detector) runs every
// test, the randomized ones on a small budget, in a few minutes on two
// cores; HODAN_LONG_TESTS=1 (`make test-long`) gives them their whole
// budget and runs the tests that take long by their nature: the full
// simulation of the sync engine (24 schedules instead of 6), its 70,000
// changes in one millisecond, and 4 kills instead of 1 in each crash test
// of e2e. CI and anyone changing the engine, the server or the client's
// storage run the long one.
package longtest

import (
	"os"
	"testing"
)

// Var is the environment variable that asks for the long run.
const Var = "HODAN_LONG_TESTS"

// On reports whether the long run was asked for: Var is set, and not to
// "0".
func On() bool {
	v := os.Getenv(Var)
	return v != "" && v != "0"
}

// Skip skips t unless the long run was asked for, saying how to run it.
func Skip(t testing.TB) {
	t.Helper()
	if !On() {
		t.Skipf("a long test: %s=1 runs it (make test-long)", Var)
	}
}

// BenchSizes are the log sizes a benchmark of growth runs at: sizes, then
// a million changes with HODAN_BENCH_LARGE=1 or HODAN_BENCH_HUGE=1, and
// ten million with HODAN_BENCH_HUGE=1 (filling those takes minutes).
func BenchSizes(sizes ...int) []int {
	if os.Getenv("HODAN_BENCH_LARGE") != "" || os.Getenv("HODAN_BENCH_HUGE") != "" {
		sizes = append(sizes, 1_000_000)
	}
	if os.Getenv("HODAN_BENCH_HUGE") != "" {
		sizes = append(sizes, 10_000_000)
	}
	return sizes
}
