package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestTwoImportsAtOnceImportEachHouseholdOnce: the same list imported
// twice at the same time (two windows, a double click) holds each
// household once: the check for what is already on the laptop and the
// writes are one serialised step.
func TestTwoImportsAtOnceImportEachHouseholdOnce(t *testing.T) {
	b := mustVisitBench(t, langVI)
	const n = 400
	var list strings.Builder
	list.WriteString("Số hộ,Họ và tên chủ hộ,Năm sinh\n")
	for i := range n {
		fmt.Fprintf(&list, "H-%03d,Hộ thứ %d,%d\n", i, i, 1940+i%60)
	}
	path := filepath.Join(t.TempDir(), "ds.csv")
	if err := os.WriteFile(path, []byte(list.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	codes := make([]int, 2)
	errs := make([]string, 2)
	for k := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[k], codes[k] = b.hodan(t, "import", "households", path)
		}()
	}
	close(start)
	wg.Wait()
	for k := range codes {
		if codes[k] != 0 {
			t.Errorf("import %d: exit %d\n%s", k+1, codes[k], errs[k])
		}
	}
	got := b.query(t, `SELECT count(*), count(DISTINCT household_number) FROM households`)
	if got[0] != int64(n) || got[1] != int64(n) {
		t.Errorf("%v households, %v numbers; want each of the %d once", got[0], got[1], n)
	}
}
