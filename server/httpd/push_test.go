package httpd_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"hodan/server/httpd"
	"hodan/syncengine"
)

func TestSyncRoundTripBetweenTwoDevicesOfACommune(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := mustServer(t, nil)
	a, b := mustDevice(t, ts, communeA), mustDevice(t, ts, communeA)
	a.Client.BatchSize, b.Client.BatchSize = 4, 3 // several batches each way

	h := mustHousehold(t, a.DB, communeA, "Lường Văn Sơn")
	mustInsert(t, a.DB, "members", map[string]any{"household_id": h.String(), "full_name": "Lường Thị Hoa", "birth_year": 2003, "sex": "female", "relation": "child"})
	mustHousehold(t, b.DB, communeA, "Tòng Thị Mai")

	for _, step := range []struct {
		dev        *device
		wantPushed int
		wantPulled int
	}{
		{a, len(mustOwnChanges(t, a.DB)), 0},
		{b, len(mustOwnChanges(t, b.DB)), len(mustOwnChanges(t, a.DB))},
		{a, 0, len(mustOwnChanges(t, b.DB))},
	} {
		res, err := step.dev.Client.Sync(ctx, step.dev.DB)
		if err != nil {
			t.Fatalf("sync: %v", err)
		}
		if res.Pushed != step.wantPushed || res.Pulled != step.wantPulled || res.Rejected != 0 {
			t.Errorf("sync of %s: %+v; want pushed %d, pulled %d, none rejected", step.dev.Site(), res, step.wantPushed, step.wantPulled)
		}
	}
	var n int
	if err := b.DB.SQL().QueryRowContext(ctx, `SELECT count(*) FROM members WHERE household_id = ? AND full_name = 'Lường Thị Hoa'`, h.String()).Scan(&n); err != nil || n != 1 {
		t.Errorf("device b holds %d of device a's members (%v), want 1", n, err)
	}
	want := mustDigest(t, ts.DB, communeA)
	for name, db := range map[string]*syncengine.DB{"device a": a.DB, "device b": b.DB} {
		if got := mustDigest(t, db, communeA); got != want {
			t.Errorf("%s digest of %s = %s, server's %s", name, communeA, got, want)
		}
	}
	if got, err := a.Client.Digest(ctx, communeA); err != nil || got != want {
		t.Errorf("GET /v1/digest = %q, %v; want %s", got, err, want)
	}
}

func TestPushOutsideTheDeviceCommunesIsRejectedPerChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := mustServer(t, nil)
	a, b := mustDevice(t, ts, communeA), mustDevice(t, ts, communeB)
	hb := mustHousehold(t, b.DB, communeB, "Nguyễn Văn Bình")
	if _, err := b.Client.Sync(ctx, b.DB); err != nil {
		t.Fatalf("sync b: %v", err)
	}
	mustHousehold(t, a.DB, communeA, "Lò Thị Én")
	nA := len(mustOwnChanges(t, a.DB))
	mustHousehold(t, a.DB, communeB, "Vì Văn Thắng") // the officer typed the wrong commune
	changes := mustOwnChanges(t, a.DB)
	digestB := mustDigest(t, ts.DB, communeB)

	pr := ts.mustPush(t, a.Token, changes)
	if pr.Applied != nA || len(pr.Rejected) != len(changes)-nA {
		t.Fatalf("push: applied %d, rejected %d; want %d and %d", pr.Applied, len(pr.Rejected), nA, len(changes)-nA)
	}
	for i, r := range pr.Rejected {
		if r.Code != syncengine.CodeOutOfScope || r.Site != a.Site() || r.Seq != uint64(nA+1+i) || r.Message == "" {
			t.Errorf("rejected[%d] = %+v, want %s for #%d", i, r, syncengine.CodeOutOfScope, nA+1+i)
		}
	}
	if pr.Versions[a.Site()] != uint64(len(changes)) {
		t.Errorf("versions %v: rejected changes must count as held", pr.Versions)
	}
	if got := mustDigest(t, ts.DB, communeB); got != digestB {
		t.Errorf("digest of %s changed from %s to %s", communeB, digestB, got)
	}

	// A device of A that claims its own commune for a row of B is refused too.
	forged := syncengine.Change{Table: "households", Row: hb, Column: "head_name", Value: syncengine.Text("Đã sửa"),
		HLC: syncengine.MakeHLC(time.Now().UnixMilli(), 0), CL: 1, Scope: communeA, Site: a.Site(), Seq: uint64(len(changes) + 1)}
	pr = ts.mustPush(t, a.Token, []syncengine.Change{forged})
	if pr.Applied != 0 || len(pr.Rejected) != 1 || pr.Rejected[0].Code != syncengine.CodeScopeMismatch {
		t.Errorf("edit of a row of %s claimed for %s: %+v; want one %s", communeB, communeA, pr, syncengine.CodeScopeMismatch)
	}
	if got := mustDigest(t, ts.DB, communeB); got != digestB {
		t.Errorf("digest of %s changed from %s to %s", communeB, digestB, got)
	}
}

func TestLinksStayWithinACommune(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// forge returns a change of device a (in commune A) with the given
		// sequence number, given a's household and B's household and village.
		forge func(seq uint64, ha, hb, vb syncengine.RowID) []syncengine.Change
		code  string
	}{
		{
			name: "member names a household of another commune",
			forge: func(seq uint64, _, hb, _ syncengine.RowID) []syncengine.Change {
				m := uuid.Must(uuid.NewV7())
				return []syncengine.Change{
					{Table: "members", Row: m, CL: 1, Scope: communeA, Seq: seq},
					{Table: "members", Row: m, Column: "household_id", Value: syncengine.Text(hb.String()), CL: 1, Scope: communeA, Seq: seq + 1},
					{Table: "members", Row: m, Column: "full_name", Value: syncengine.Text("Hà Văn Dũng"), CL: 1, Scope: communeA, Seq: seq + 2},
				}
			},
			code: syncengine.CodeOutOfScope,
		},
		{
			name: "household names a village of another commune",
			forge: func(seq uint64, ha, _, vb syncengine.RowID) []syncengine.Change {
				return []syncengine.Change{{Table: "households", Row: ha, Column: "village_id", Value: syncengine.Text(vb.String()), CL: 1, Scope: communeA, Seq: seq}}
			},
			code: syncengine.CodeOutOfScope,
		},
		{
			name: "household's commune_code is not its scope",
			forge: func(seq uint64, ha, _, _ syncengine.RowID) []syncengine.Change {
				return []syncengine.Change{{Table: "households", Row: ha, Column: "commune_code", Value: syncengine.Text(communeB), CL: 1, Scope: communeA, Seq: seq}}
			},
			code: syncengine.CodeScopeMismatch,
		},
		{
			name: "new household whose commune_code is not its scope",
			forge: func(seq uint64, _, _, _ syncengine.RowID) []syncengine.Change {
				h := uuid.Must(uuid.NewV7())
				return []syncengine.Change{
					{Table: "households", Row: h, CL: 1, Scope: communeA, Seq: seq},
					{Table: "households", Row: h, Column: "commune_code", Value: syncengine.Text(communeB), CL: 1, Scope: communeA, Seq: seq + 1},
				}
			},
			code: syncengine.CodeScopeMismatch,
		},
	}
	ctx := context.Background()
	ts := mustServer(t, nil)
	b := mustDevice(t, ts, communeB)
	hb := mustHousehold(t, b.DB, communeB, "Nguyễn Văn Bình")
	vb := mustInsert(t, b.DB, "villages", map[string]any{"commune_code": communeB, "name": "Thôn Đông"})
	if _, err := b.Client.Sync(ctx, b.DB); err != nil {
		t.Fatalf("sync b: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustDevice(t, ts, communeA)
			ha := mustHousehold(t, a.DB, communeA, "Lò Thị Én")
			if _, err := a.Client.Sync(ctx, a.DB); err != nil {
				t.Fatalf("sync a: %v", err)
			}
			digestB := mustDigest(t, ts.DB, communeB)
			own, err := a.DB.OwnSeq(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			forged := tt.forge(own+1, ha, hb, vb)
			for i := range forged {
				forged[i].Site, forged[i].HLC = a.Site(), syncengine.MakeHLC(time.Now().UnixMilli(), uint16(i))
			}
			pr := ts.mustPush(t, a.Token, forged)
			var bad []syncengine.Change
			for _, c := range forged {
				if c.Column == "household_id" || c.Column == "village_id" || c.Column == "commune_code" {
					bad = append(bad, c)
				}
			}
			if len(pr.Rejected) != len(bad) || pr.Applied != len(forged)-len(bad) {
				t.Fatalf("push: %+v; want %d rejected, the other %d applied", pr, len(bad), len(forged)-len(bad))
			}
			for i, r := range pr.Rejected {
				if r.Code != tt.code || r.Seq != bad[i].Seq {
					t.Errorf("rejected[%d] = %+v, want %s for #%d", i, r, tt.code, bad[i].Seq)
				}
			}
			if got := mustDigest(t, ts.DB, communeB); got != digestB {
				t.Errorf("digest of %s changed", communeB)
			}
			var linked int
			err = ts.DB.SQL().QueryRowContext(ctx, `SELECT
				(SELECT count(*) FROM members WHERE household_id = ?) +
				(SELECT count(*) FROM households WHERE village_id = ?) +
				(SELECT count(*) FROM households WHERE commune_code = ? AND id != ?)`,
				hb.String(), vb.String(), communeB, hb.String()).Scan(&linked)
			if err != nil || linked != 0 {
				t.Errorf("%d rows of the server are tied to %s (%v), want none", linked, communeB, err)
			}
		})
	}
}

func TestPushRefusesWholeBatches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(changes []syncengine.Change, other []syncengine.Change) []syncengine.Change
		status int
		code   string
	}{
		{"changes of another site", func(_, other []syncengine.Change) []syncengine.Change { return other },
			http.StatusForbidden, syncengine.CodeForeignOrigin},
		{"one change of another site", func(c, other []syncengine.Change) []syncengine.Change {
			c[len(c)-1].Site = other[0].Site
			return c
		}, http.StatusForbidden, syncengine.CodeForeignOrigin},
		{"unknown table", func(c, _ []syncengine.Change) []syncengine.Change {
			c[len(c)-1].Table = "livestock"
			return c
		}, http.StatusUnprocessableEntity, syncengine.CodeUnknownTable},
		{"unknown column", func(c, _ []syncengine.Change) []syncengine.Change {
			c[len(c)-1].Column = "buffalo_count"
			return c
		}, http.StatusUnprocessableEntity, syncengine.CodeUnknownColumn},
		{"ethnicity code 99", func(c, _ []syncengine.Change) []syncengine.Change {
			return setCell(c, "ethnicity_code", syncengine.Text("99"))
		}, http.StatusBadRequest, syncengine.CodeInvalidValue},
		{"birth year as text", func(c, _ []syncengine.Change) []syncengine.Change {
			return setCell(c, "head_birth_year", syncengine.Text("1979"))
		}, http.StatusBadRequest, syncengine.CodeInvalidValue},
		{"birth year out of range", func(c, _ []syncengine.Change) []syncengine.Change {
			return setCell(c, "head_birth_year", syncengine.Int(1850))
		}, http.StatusBadRequest, syncengine.CodeInvalidValue},
		{"commune code of before 2025", func(c, _ []syncengine.Change) []syncengine.Change {
			return setCell(c, "commune_code", syncengine.Text("00001"))
		}, http.StatusBadRequest, syncengine.CodeInvalidValue},
		{"unknown poverty status", func(c, _ []syncengine.Change) []syncengine.Change {
			return setCell(c, "poverty_status", syncengine.Text("rich"))
		}, http.StatusBadRequest, syncengine.CodeInvalidValue},
		{"a gap in the sequence", func(c, _ []syncengine.Change) []syncengine.Change {
			return append(c[:2:2], c[3:]...)
		}, http.StatusConflict, syncengine.CodeSequenceGap},
		{"starts after #1", func(c, _ []syncengine.Change) []syncengine.Change { return c[1:] },
			http.StatusConflict, syncengine.CodeSequenceGap},
		{"sequence zero", func(c, _ []syncengine.Change) []syncengine.Change {
			c[len(c)-1].Seq = 0
			return c
		}, http.StatusBadRequest, syncengine.CodeBadRequest},
		{"no scope", func(c, _ []syncengine.Change) []syncengine.Change {
			c[len(c)-1].Scope = ""
			return c
		}, http.StatusBadRequest, syncengine.CodeBadRequest},
		{"cell of a deleted row", func(c, _ []syncengine.Change) []syncengine.Change {
			c[len(c)-1].CL = 2
			return c
		}, http.StatusBadRequest, syncengine.CodeBadRequest},
		{"a value on a row's existence", func(c, _ []syncengine.Change) []syncengine.Change {
			c[0].Value = syncengine.Int(1)
			return c
		}, http.StatusBadRequest, syncengine.CodeBadRequest},
		{"more than MaxBatch changes", func(c, _ []syncengine.Change) []syncengine.Change {
			return renumber(c, httpd.MaxBatch+1)
		}, http.StatusRequestEntityTooLarge, syncengine.CodeTooLarge},
	}
	ts := mustServer(t, nil)
	a, b := mustDevice(t, ts, communeA), mustDevice(t, ts, communeA)
	mustHousehold(t, a.DB, communeA, "Lò Thị Én")
	mustHousehold(t, a.DB, communeA, "Quàng Văn Tú")
	mustHousehold(t, b.DB, communeA, "Cầm Thị Lan")
	// Every case is refused, so the server stays empty throughout.
	before := mustState(t, ts.DB)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			batch := tt.mutate(mustOwnChanges(t, a.DB), mustOwnChanges(t, b.DB))
			assertError(t, ts.push(t, a.Token, batch), tt.status, tt.code)
			assertUnchanged(t, ts.DB, before)
			vv, err := ts.DB.Versions(context.Background(), a.Site(), b.Site())
			if err != nil || vv[a.Site()] != 0 || vv[b.Site()] != 0 {
				t.Errorf("versions after a refused batch: %v, %v; want nothing held", vv, err)
			}
		})
	}
	// The device's intact changes are still welcome afterwards.
	if pr := ts.mustPush(t, a.Token, mustOwnChanges(t, a.DB)); pr.Applied != len(mustOwnChanges(t, a.DB)) {
		t.Errorf("intact batch after the refusals: %+v", pr)
	}
}

// setCell sets the value of the last change to column col.
func setCell(changes []syncengine.Change, col string, v syncengine.Value) []syncengine.Change {
	for i := len(changes) - 1; i >= 0; i-- {
		if changes[i].Column == col {
			changes[i].Value = v
			return changes
		}
	}
	panic("no change to " + col)
}

// renumber makes n changes from the pattern, numbered from 1.
func renumber(pattern []syncengine.Change, n int) []syncengine.Change {
	out := make([]syncengine.Change, n)
	for i := range out {
		out[i] = pattern[i%len(pattern)]
		out[i].Seq = uint64(i + 1)
	}
	return out
}

func TestPushOfMaxBatchChangesIsAccepted(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	a := mustDevice(t, ts, communeA)
	mustWrite(t, a.DB, func(tx *syncengine.Tx) error {
		for tx.Changes() < httpd.MaxBatch {
			if _, err := tx.Insert("villages", map[string]any{"commune_code": communeA, "name": "Bản Mới"}); err != nil {
				return err
			}
		}
		return nil
	})
	changes := mustOwnChanges(t, a.DB)[:httpd.MaxBatch]
	pr := ts.mustPush(t, a.Token, changes)
	if pr.Applied != httpd.MaxBatch || pr.Versions[a.Site()] != httpd.MaxBatch {
		t.Errorf("push of %d changes: applied %d, versions %v", httpd.MaxBatch, pr.Applied, pr.Versions)
	}
}

func TestPushOfADuplicateBatchIsIdempotent(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	a := mustDevice(t, ts, communeA)
	mustHousehold(t, a.DB, communeA, "Lò Thị Én")
	mustHousehold(t, a.DB, communeA, "Quàng Văn Tú")
	changes := mustOwnChanges(t, a.DB)
	n := len(changes)
	first := ts.mustPush(t, a.Token, changes[:n/2])
	if first.Applied != n/2 || first.Duplicates != 0 {
		t.Fatalf("first push: %+v", first)
	}
	before := mustState(t, ts.DB)
	second := ts.mustPush(t, a.Token, changes[:n/2])
	if second.Applied != 0 || second.Duplicates != n/2 || len(second.Rejected) != 0 || second.Versions[a.Site()] != uint64(n/2) {
		t.Errorf("same batch again: %+v; want applied 0, duplicates %d", second, n/2)
	}
	assertUnchanged(t, ts.DB, before)
	// A batch that overlaps what the server holds (its answer was lost)
	// applies only the new part.
	third := ts.mustPush(t, a.Token, changes)
	if third.Applied != n-n/2 || third.Duplicates != n/2 {
		t.Errorf("overlapping batch: %+v; want applied %d, duplicates %d", third, n-n/2, n/2)
	}
	if got, want := mustDigest(t, ts.DB, communeA), mustDigest(t, a.DB, communeA); got != want {
		t.Errorf("server digest %s, device %s", got, want)
	}
}

func TestPushRefusesChangesStampedAheadOfTheServerClock(t *testing.T) {
	t.Parallel()
	const skew = 5 * time.Minute
	tests := []struct {
		name   string
		ahead  time.Duration
		reject bool
	}{
		{"a day behind", -24 * time.Hour, false},
		{"on time", 0, false},
		{"just within the skew", skew, false},
		{"a millisecond beyond the skew", skew + time.Millisecond, true},
		{"a year ahead", 365 * 24 * time.Hour, true},
	}
	ts := mustServer(t, func(c *httpd.Config) { c.MaxClockSkew = skew })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustDevice(t, ts, communeA)
			h1 := mustHousehold(t, a.DB, communeA, "Lò Thị Én")
			nOnTime := len(mustOwnChanges(t, a.DB))
			h2 := mustHousehold(t, a.DB, communeA, "Quàng Văn Tú")
			changes := mustOwnChanges(t, a.DB)
			stamp := syncengine.MakeHLC(ts.Now.Add(tt.ahead).UnixMilli(), 0)
			for i := nOnTime; i < len(changes); i++ {
				changes[i].HLC = stamp
			}
			before := mustState(t, ts.DB)
			pr := ts.mustPush(t, a.Token, changes)
			if pr.ServerTime != ts.Now.UnixMilli() {
				t.Errorf("server_time = %d, want the server's clock %d", pr.ServerTime, ts.Now.UnixMilli())
			}
			wantRejected := 0
			if tt.reject {
				wantRejected = len(changes) - nOnTime
			}
			if pr.Applied != len(changes)-wantRejected || len(pr.Rejected) != wantRejected {
				t.Fatalf("push: applied %d, rejected %+v; want %d rejected", pr.Applied, pr.Rejected, wantRejected)
			}
			for _, r := range pr.Rejected {
				if r.Code != syncengine.CodeClockSkew || r.Seq <= uint64(nOnTime) {
					t.Errorf("rejected %+v, want %s for changes after #%d", r, syncengine.CodeClockSkew, nOnTime)
				}
			}
			if got := mustState(t, ts.DB).LogLen - before.LogLen; got != pr.Applied {
				t.Errorf("the server's log grew by %d, want %d", got, pr.Applied)
			}
			for id, want := range map[syncengine.RowID]int{h1: nOnTime, h2: len(changes) - nOnTime - wantRejected} {
				if n := mustLogCount(t, ts.DB, id); n != want {
					t.Errorf("the server's log holds %d changes of household %s, want %d", n, id, want)
				}
			}
		})
	}
}

func TestPushOfAReusedSequenceNumberIsRefused(t *testing.T) {
	t.Parallel()
	// A device restored from an older copy of its database writes new
	// changes under sequence numbers the server already holds with other
	// content. Taking them as duplicates would leave the device and the
	// server apart for good without a word.
	ts := mustServer(t, nil)
	a := mustDevice(t, ts, communeA)
	mustHousehold(t, a.DB, communeA, "Lò Thị Én")
	changes := mustOwnChanges(t, a.DB)
	ts.mustPush(t, a.Token, changes)
	reused := append([]syncengine.Change{}, changes...)
	last := &reused[len(reused)-1]
	last.Value, last.HLC = syncengine.Text("near_poor"), last.HLC+1
	if last.Column != "poverty_status" {
		t.Fatalf("the last change sets %q, want poverty_status", last.Column)
	}
	before := mustState(t, ts.DB)
	assertError(t, ts.push(t, a.Token, reused), http.StatusConflict, syncengine.CodeSeqReused)
	assertUnchanged(t, ts.DB, before)
}

func TestConcurrentSyncsConverge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := mustServer(t, nil)
	devs := make([]*device, 6)
	for i := range devs {
		devs[i] = mustDevice(t, ts, communeA)
		devs[i].Client.BatchSize = 5
		for j := 0; j < 2; j++ {
			mustHousehold(t, devs[i].DB, communeA, "Hộ song song")
		}
	}
	for round := 0; round < 2; round++ {
		errs := make(chan error, len(devs))
		for _, d := range devs {
			go func() {
				_, err := d.Client.Sync(ctx, d.DB)
				errs <- err
			}()
		}
		for range devs {
			if err := <-errs; err != nil {
				t.Fatalf("round %d: sync: %v", round, err)
			}
		}
	}
	// After two rounds every device may still miss what others pushed during
	// its own second pull; one more sequential pass settles it.
	for _, d := range devs {
		if _, err := d.Client.Sync(ctx, d.DB); err != nil {
			t.Fatalf("final sync: %v", err)
		}
	}
	want := mustDigest(t, ts.DB, communeA)
	for i, d := range devs {
		if got := mustDigest(t, d.DB, communeA); got != want {
			t.Errorf("device %d digest %s, server %s", i, got, want)
		}
	}
	if st := mustState(t, ts.DB); st.LogLen != len(devs)*2*7 {
		t.Errorf("server log holds %d changes, want %d", st.LogLen, len(devs)*2*7)
	}
}

// mustLogCount is the number of changes of row in db's log.
func mustLogCount(t *testing.T, db *syncengine.DB, row syncengine.RowID) int {
	t.Helper()
	changes, _, err := db.ReadLog(context.Background(), 0, 1<<30)
	if err != nil {
		t.Fatalf("read log: %v", err)
	}
	n := 0
	for _, c := range changes {
		if c.Row == row {
			n++
		}
	}
	return n
}
