package e2e

import (
	"context"
	"database/sql"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"hodan/internal/pgtest"
)

// TestFlowsOnPostgres runs flows of the suite again with the server's
// store in a PostgreSQL database: each reads the server only through its
// commands and its sync API, never its file, so that the same checks hold
// on both stores: concurrent edits and deletes converge and their
// conflicts are listed and resolved everywhere, a device is kept to its
// communes, a new laptop starts from the server's snapshot, duplicates
// and repeated support are found, the audit's export verifies, replays to
// the live digest and gives a field's history, officers syncing at once
// converge, an interrupted push resumes, records under a deleted parent
// are listed and settled, wrong clocks are noticed and repaired, and a
// server restored from an older pg_dump gets back from the laptops what
// it lost.
func TestFlowsOnPostgres(t *testing.T) {
	flows := []struct {
		name string
		run  func(t *testing.T, db string)
	}{
		{"ConcurrentEditsOfDifferentFieldsBothSurvive", testConcurrentEditsOfDifferentFields},
		{"ConcurrentEditsOfOneFieldConverge", testConcurrentEditsOfOneField},
		{"DeleteVersusConcurrentEditConverges", testDeleteVersusConcurrentEdit},
		{"ConcurrentEditsAreListedAndResolvedEverywhere", testConcurrentEditsListedAndResolved},
		{"ConcurrentResolutionsOfOneConflict", testConcurrentResolutions},
		{"DeviceStaysInItsCommunes", testDeviceStaysInItsCommunes},
		{"NewLaptopStartsFromASnapshot", testNewLaptopStartsFromASnapshot},
		{"DuplicateFamilyFoundAndOverlappingSupportFlagged", testDuplicateFamilyAndOverlappingSupport},
		{"AuditExportVerifyReplayHistory", testAuditExportVerifyReplayHistory},
		{"OfficersSyncingAtOnceConverge", testOfficersSyncingAtOnce},
		{"InterruptedPushResumes", testInterruptedPushResumes},
		{"RecordsUnderADeletedHouseholdAreListedEverywhere", testRecordsUnderADeletedHousehold},
		{"OrphansAreSettledByRestoreMoveOrDelete", testOrphansSettled},
		{"MergeRacingDeleteOfTheKeptHouseholdIsListedAndRestored", testMergeRacingDelete},
		{"FutureStampDoesNotBlockCorrectLaptops", testFutureStamp},
		{"ClockAheadIsRepaired", testClockAhead},
		{"ClockReset1980KeepsOrder", testClockReset1980},
		{"DeadBatteryIsNoticed", testDeadBattery},
		{"ServerRestoredFromOlderCopy", func(t *testing.T, db string) { testServerRestoredFromOlderCopy(t, db, pgDumpBackup) }},
	}
	for _, f := range flows {
		t.Run(f.name, func(t *testing.T) {
			db := pgtest.Database(t)        // skips without HODAN_TEST_POSTGRES
			t.Setenv("TMPDIR", t.TempDir()) // the server's snapshots, on PostgreSQL
			f.run(t, db)
		})
	}
}

// pgDumpBackup dumps a stopped server's PostgreSQL database with pg_dump,
// as README's backups do; the function it returns drops the database,
// makes it again empty and restores the dump into it with pg_restore.
func pgDumpBackup(t *testing.T, db string) (restore func()) {
	t.Helper()
	dump := filepath.Join(t.TempDir(), "hodan.dump")
	mustRun(t, "pg_dump", "--format=custom", "--file", dump, "--dbname", db)
	return func() {
		u, err := url.Parse(db)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(u.Path, "/")
		u.Path = "/postgres"
		admin, err := sql.Open("pgx", u.String())
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		for _, stmt := range []string{`DROP DATABASE ` + name + ` WITH (FORCE)`, `CREATE DATABASE ` + name} {
			if _, err := admin.ExecContext(context.Background(), stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		mustRun(t, "pg_restore", "--no-owner", "--dbname", db, dump)
	}
}

// mustRun runs a command of PostgreSQL's client tools, skipping the test
// where they are not installed.
func mustRun(t *testing.T, name string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed (Debian's postgresql-client has it)", name)
	}
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}
