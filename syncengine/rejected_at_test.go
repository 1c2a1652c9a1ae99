package syncengine

import (
	"context"
	"testing"
	"time"
)

// TestRejectionsAreStampedByTheReplicasClock: the server records a
// refused change, and the device the refusal it was answered, at the time
// of the replica's own wall clock (Config.Now), like everything else it
// records, the migrations it applied included; a record stamped by the
// machine's clock instead bypasses the clock tests replace.
func TestRejectionsAreStampedByTheReplicasClock(t *testing.T) {
	ctx := context.Background()
	day := time.Date(2031, 3, 4, 9, 30, 0, 0, time.UTC)
	open := func(name string) *DB {
		cfg := testConfig()
		cfg.Now = func() time.Time { return day }
		return mustOpenPath(t, t.TempDir()+"/"+name+".db", cfg)
	}
	dev, srv := open("dev"), open("srv")
	mustInsert(t, dev, "villages", map[string]any{"commune": "B", "name": "out of scope"})
	refuse := func(*Change, RowReader) (*Rejection, error) {
		return &Rejection{Code: CodeOutOfScope, Message: "not enrolled for B"}, nil
	}
	res, err := srv.ApplyPush(ctx, allChanges(t, dev), refuse)
	if err != nil || len(res.Rejected) == 0 {
		t.Fatalf("push: %+v, %v; want refusals", res, err)
	}
	if err := dev.RecordPushed(ctx, res.Rejected, uint64(len(res.Rejected))); err != nil {
		t.Fatal(err)
	}
	for name, db := range map[string]*DB{"server": srv, "device": dev} {
		rejected, err := db.RejectedChanges(ctx)
		if err != nil || len(rejected) != len(res.Rejected) {
			t.Fatalf("%s: recorded %d refusals, %v; want %d", name, len(rejected), err, len(res.Rejected))
		}
		for _, r := range rejected {
			if !r.At.Equal(day) {
				t.Errorf("%s recorded the refusal of #%d at %s, not at its clock's %s", name, r.Seq, r.At.UTC(), day)
			}
		}
	}
	var at string
	if err := srv.r.QueryRowContext(ctx, `SELECT max(applied_at) FROM schema_migrations`).Scan(&at); err != nil || at != day.Format(time.RFC3339) {
		t.Errorf("migrations recorded as applied at %q, %v; want its clock's %s", at, err, day.Format(time.RFC3339))
	}
}
