package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hodan/client-cli/app"
)

// hodan runs one hodan command, in this process or as the binary at bin if
// bin is not "", and returns what it printed.
func hodan(b *testing.B, bin string, args ...string) string {
	b.Helper()
	if bin != "" {
		out, err := exec.Command(bin, args...).Output()
		if err != nil {
			b.Fatalf("hodan %s: %v", strings.Join(args, " "), err)
		}
		return string(out)
	}
	var stdout, stderr bytes.Buffer
	if code := app.Run(context.Background(), args, app.Env{Stdout: &stdout, Stderr: &stderr}); code != 0 {
		b.Fatalf("hodan %s: %s", strings.Join(args, " "), stderr.String())
	}
	return stdout.String()
}

// mustBuild builds the binary of package pkg into b.TempDir().
func mustBuild(b *testing.B, pkg string) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), filepath.Base(pkg))
	build := exec.Command("go", "build", "-o", bin, pkg)
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		b.Fatalf("build %s: %v", pkg, err)
	}
	return bin
}

// BenchmarkRecordHousehold measures what an officer waits for to record a
// household with five members from the command line: one `hodan household
// add` and five `hodan member add`, each opening the database and writing
// one durable transaction. "process" runs the hodan binary (process start
// included); "in-process" calls the same command line as a function.
func BenchmarkRecordHousehold(b *testing.B) {
	s := mustServer(b)
	bin := mustBuild(b, "hodan/client-cli")
	for _, mode := range []struct{ name, bin string }{{"in-process", ""}, {"process", bin}} {
		b.Run(mode.name, func(b *testing.B) {
			db := filepath.Join(b.TempDir(), "hodan.db")
			code, err := s.Reg.CreateEnrollment(context.Background(), "Lò Văn Minh", []string{commune}, time.Hour)
			if err != nil {
				b.Fatal(err)
			}
			hodan(b, mode.bin, "--db", db, "init", "--server", s.URL, "--enroll", code)
			n := 0
			for b.Loop() {
				k := fmt.Sprint(n)
				id := strings.TrimSpace(hodan(b, mode.bin, "--db", db, "household", "add", "--head-name", "Bùi Văn Thảo "+k,
					"--household-number", "LL-"+k, "--head-birth-year", "1975", "--head-sex", "male", "--ethnicity-code", "06", "--poverty-status", "poor"))
				for j := 0; j < 5; j++ {
					hodan(b, mode.bin, "--db", db, "member", "add", "--household-id", id, "--full-name", fmt.Sprintf("Bùi Thị Hoa %s-%d", k, j),
						"--birth-year", "1990", "--sex", "female", "--relation", "child")
				}
				n++
			}
			b.ReportMetric(b.Elapsed().Seconds()*1000/float64(n), "ms/household")
			b.ReportMetric(b.Elapsed().Seconds()*1000/float64(6*n), "ms/command")
		})
	}
}
