package audit_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"hodan/internal/replica"
	"hodan/server/audit"
	"hodan/server/registry"
	"hodan/syncengine"
)

// TestAudit runs the randomized workload on a real server, exports its log,
// and checks the export: it verifies, it replays to the live state and to
// the state at an instant in the middle, every kind of tampering is found
// where it was done, and a household's history reads right.
func TestAudit(t *testing.T) {
	s := mustScenario(t, 160)
	ctx := context.Background()
	recs := decode(t, s.Export)
	entries, checkpoints := 0, 0
	for _, r := range recs {
		switch r.Type {
		case audit.TypeEntry:
			entries++
		case audit.TypeCheckpoint:
			checkpoints++
		}
	}
	if entries < 200 || checkpoints < 3 {
		t.Fatalf("the workload made %d entries and %d checkpoints: too few to test with", entries, checkpoints)
	}

	t.Run("verify", func(t *testing.T) {
		rep, err := audit.Verify(bytes.NewReader(s.Export), audit.Options{ServerKey: s.mustServerKey()})
		if err != nil {
			t.Fatalf("verify the export as written: %v", err)
		}
		size, head, err := s.DB.LogHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Entries != size || rep.Head != head || rep.Covered != size || !rep.KeyPinned || rep.Checkpoints != checkpoints {
			t.Errorf("report %+v; the server's log has %d entries, head %s, %d checkpoints", rep, size, head, checkpoints)
		}
		keys, err := s.Reg.DeviceKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// b's two keys: the log holds batches under both.
		if len(keys) != 5 || rep.Devices != 5 {
			t.Errorf("%d device keys registered, %d in the report; want 5 (b enrolled twice)", len(keys), rep.Devices)
		}
		if len(rep.Warnings) != 0 {
			t.Errorf("warnings on a complete, pinned, checkpointed export: %q", rep.Warnings)
		}
		assertBothKeysUsed(t, s, recs)
	})

	t.Run("replay", func(t *testing.T) {
		res, rdb := mustReplay(t, s.Export, 0)
		if want := mustDigest(t, s.DB, ""); res.Digest != want {
			t.Errorf("replayed digest %s, live %s", res.Digest, want)
		}
		if res.Applied != uint64(entries) || res.Skipped != 0 {
			t.Errorf("applied %d, skipped %d; the log has %d entries", res.Applied, res.Skipped, entries)
		}
		for _, commune := range []string{communeA, communeB} {
			if got, want := mustDigest(t, rdb, commune), mustDigest(t, s.DB, commune); got != want {
				t.Errorf("commune %s: replayed digest %s, live %s", commune, got, want)
			}
		}
	})

	t.Run("replay as of an instant", func(t *testing.T) {
		res, _ := mustReplay(t, s.Export, s.Mid.UnixMilli())
		if res.Digest != s.MidDigest {
			t.Errorf("replayed until %s: digest %s; the server's copy at that instant %s", s.Mid, res.Digest, s.MidDigest)
		}
		if res.Applied == 0 || res.Skipped == 0 {
			t.Errorf("applied %d, skipped %d: the instant is not in the middle of the log", res.Applied, res.Skipped)
		}
		if s.MidDigest == mustDigest(t, s.DB, "") {
			t.Errorf("the state at the instant is the final state: the test proves nothing")
		}
	})

	t.Run("tampering", func(t *testing.T) { testTampering(t, s, recs) })
	t.Run("history", func(t *testing.T) { testHistory(t, s) })
}

// assertBothKeysUsed checks that the log holds batches of device b signed
// with each of its two keys.
func assertBothKeysUsed(t *testing.T, s *scenario, recs []audit.Record) {
	t.Helper()
	b := s.Laptops[1].DB.Site()
	var keys []ed25519.PublicKey
	for _, r := range recs {
		if r.Type == audit.TypeDevice && *r.Device == b {
			keys = append(keys, r.PublicKey)
		}
	}
	used := map[int]bool{}
	for _, r := range recs {
		if r.Type != audit.TypeBatch || *r.Device != b {
			continue
		}
		for i, k := range keys {
			if syncengine.VerifyBatch(k, b, r.Changes, r.Signature) {
				used[i] = true
			}
		}
	}
	if len(keys) != 2 || len(used) != 2 {
		t.Errorf("device b has %d keys in the export, batches signed with %d of them; want 2 and 2", len(keys), len(used))
	}
}

func mustDigest(t testing.TB, db *syncengine.DB, scope string) string {
	t.Helper()
	d, err := db.Digest(context.Background(), scope)
	if err != nil {
		t.Fatalf("digest %q: %v", scope, err)
	}
	return d
}

// mustReplay replays export into a new database, up to until (0: all).
func mustReplay(t *testing.T, export []byte, until int64) (audit.ReplayResult, *syncengine.DB) {
	t.Helper()
	ctx := context.Background()
	db, err := replica.Open(ctx, filepath.Join(t.TempDir(), "replay.db"), replica.Options{Migrations: registry.Migrations()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	res, err := audit.Replay(ctx, bytes.NewReader(export), audit.Options{}, db, until)
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	return res, db
}

// decode reads an export into its records.
func decode(t testing.TB, export []byte) []audit.Record {
	t.Helper()
	var out []audit.Record
	for i, line := range bytes.Split(bytes.TrimSuffix(export, []byte("\n")), []byte("\n")) {
		var r audit.Record
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		out = append(out, r)
	}
	return out
}

// encode writes records as an export.
func encode(t testing.TB, recs []audit.Record) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, r := range recs {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// mustBad verifies a tampered export and checks that it fails at line
// (1-based) and, if seq is not 0, at entry seq, saying something with want.
func mustBad(t *testing.T, export []byte, opts audit.Options, line int, seq uint64, want string) {
	t.Helper()
	_, err := audit.Verify(bytes.NewReader(export), opts)
	if !errors.Is(err, audit.ErrTampered) {
		t.Fatalf("verify: err = %v, want ErrTampered", err)
	}
	var bad *audit.Bad
	if !errors.As(err, &bad) {
		t.Fatalf("verify: err %v is not a *audit.Bad", err)
	}
	if bad.Line != line || bad.Seq != seq || !strings.Contains(bad.What, want) {
		t.Errorf("verify: %v; want line %d, entry #%d, saying %q", err, line, seq, want)
	}
}
