package e2e

import (
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
// are listed and settled, and wrong clocks are noticed and repaired.
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
	}
	for _, f := range flows {
		t.Run(f.name, func(t *testing.T) {
			db := pgtest.Database(t)        // skips without HODAN_TEST_POSTGRES
			t.Setenv("TMPDIR", t.TempDir()) // the server's snapshots, on PostgreSQL
			f.run(t, db)
		})
	}
}
