package audit_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"hodan/server/audit"
	"hodan/syncengine"
)

// testTampering alters the export every way an insider with the file (and
// without the devices' and the server's keys) could, and checks that
// verification fails, at the line and entry altered.
func testTampering(t *testing.T, s *scenario, recs []audit.Record) {
	pinned := audit.Options{ServerKey: s.mustServerKey()}
	// i is an entry in the middle of a batch (the records either side are
	// entries of the same batch) with checkpoints before and after it.
	i := middleOfBatch(t, recs)
	k := recs[i].Seq
	bi := i // its batch record
	for recs[bi].Type != audit.TypeBatch {
		bi--
	}
	cpBefore, cpAfter := -1, -1 // the checkpoints either side of it
	for j, r := range recs {
		if r.Type == audit.TypeCheckpoint && j < i {
			cpBefore = j
		}
		if r.Type == audit.TypeCheckpoint && j > i && cpAfter < 0 {
			cpAfter = j
		}
	}
	if cpBefore < 0 || cpAfter < 0 {
		t.Fatalf("no checkpoint before or after entry #%d (line %d)", k, i+1)
	}
	t.Logf("tampering at entry #%d, line %d; its batch at line %d; checkpoints at lines %d and %d", k, i+1, bi+1, cpBefore+1, cpAfter+1)

	for _, tc := range []struct {
		name   string
		tamper func(c []audit.Record) []audit.Record
		line   int
		seq    uint64
		want   string
	}{
		{"edit a value", func(c []audit.Record) []audit.Record {
			c[i].Change.Value = syncengine.Text("Bùi Văn Giả")
			return c
		}, i + 1, k, "not one device"},
		{"edit a column", func(c []audit.Record) []audit.Record {
			c[i].Change.Column = "notes"
			return c
		}, i + 1, k, "not one device"},
		{"edit a stamp", func(c []audit.Record) []audit.Record {
			c[i].Change.HLC++
			return c
		}, i + 1, k, "not one device"},
		{"edit a hash", func(c []audit.Record) []audit.Record {
			c[i].Hash[0] ^= 1
			return c
		}, i + 1, k, "does not follow"},
		{"edit a value and rewrite the chain after it", func(c []audit.Record) []audit.Record {
			c[i].Change.Value = syncengine.Text("Bùi Văn Giả")
			rechain(c, false)
			return c
		}, i + 1, k, "not one device"},
		{"delete an entry", func(c []audit.Record) []audit.Record {
			return slices.Delete(c, i, i+1)
		}, i + 1, k + 1, fmt.Sprintf("entry #%d is missing", k)},
		{"delete an entry, renumber and rewrite the chain after it", func(c []audit.Record) []audit.Record {
			c = slices.Delete(c, i, i+1)
			rechain(c, true)
			return c
		}, cpAfter, recs[cpAfter].Size, fmt.Sprintf("entries up to #%d were altered, deleted, inserted or reordered and the chain rewritten after entry #%d", recs[cpAfter].Size, recs[cpBefore].Size)},
		{"insert a copy of an entry", func(c []audit.Record) []audit.Record {
			return slices.Insert(c, i+1, c[i])
		}, i + 2, k, fmt.Sprintf("comes after entry #%d", k)},
		{"swap two entries", func(c []audit.Record) []audit.Record {
			c[i], c[i+1] = c[i+1], c[i]
			return c
		}, i + 1, k + 1, fmt.Sprintf("entry #%d is missing", k)},
		{"change a batch's officer", func(c []audit.Record) []audit.Record {
			c[bi].Officer = "Mallory"
			return c
		}, bi + 2, recs[bi+1].Seq, "does not follow"},
		{"change a batch's time received", func(c []audit.Record) []audit.Record {
			c[bi].Received++
			return c
		}, bi + 2, recs[bi+1].Seq, "does not follow"},
		{"flip a bit of a batch's signature", func(c []audit.Record) []audit.Record {
			c[bi].Signature[7] ^= 0x10
			return c
		}, bi + 1, 0, "the signature is not device"},
		{"drop a change from a batch's list", func(c []audit.Record) []audit.Record {
			c[bi].Changes = c[bi].Changes[1:]
			return c
		}, bi + 1, 0, "the signature is not device"},
		{"flip a bit of a checkpoint's signature", func(c []audit.Record) []audit.Record {
			c[cpAfter].Signature[40] ^= 1
			return c
		}, cpAfter + 1, 0, "not signed by the server's key"},
		{"move a checkpoint", func(c []audit.Record) []audit.Record {
			cp := c[cpBefore]
			c = slices.Delete(c, cpBefore, cpBefore+1)
			return slices.Insert(c, i, cp)
		}, i + 1, recs[cpBefore].Size, "the server signed a log of"},
		{"cut short", func(c []audit.Record) []audit.Record {
			return c[:len(c)-1]
		}, len(recs) - 1, 0, "cut short"},
		{"an unknown record type", func(c []audit.Record) []audit.Record {
			return slices.Insert(c, i, audit.Record{Type: "note"})
		}, i + 1, 0, `unknown record type "note"`},
		{"a second header", func(c []audit.Record) []audit.Record {
			return slices.Insert(c, i, c[0])
		}, i + 1, 0, "a second header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.tamper(decode(t, encode(t, recs)))
			mustBad(t, encode(t, c), pinned, tc.line, tc.seq, tc.want)
		})
	}

	t.Run("a garbage line", func(t *testing.T) {
		lines := bytes.SplitAfter(s.Export, []byte("\n"))
		lines = slices.Insert(lines, i, []byte("{\"type\": \"entry\", \"seq\": \n"))
		mustBad(t, bytes.Join(lines, nil), pinned, i+1, 0, "not a record of the format")
	})

	// An entry in the export's own shape but for one thing encoding/json
	// refuses: the fast decoder must not take it either.
	for _, tc := range []struct{ name, old, new string }{
		{"an entry with a leading zero", `"seq":`, `"seq":0`},
		{"an entry with an unknown field", `,"q":`, `,"x":1,"q":`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := bytes.SplitAfter(s.Export, []byte("\n"))
			lines[i] = bytes.Replace(lines[i], []byte(tc.old), []byte(tc.new), 1)
			mustBad(t, bytes.Join(lines, nil), pinned, i+1, 0, "not a record of the format")
		})
	}

	t.Run("cut short at a checkpoint, with a new end record", func(t *testing.T) {
		// Entries after the cut's checkpoint are dropped and the end record
		// rewritten: what is left is a log the server did sign, but the
		// report must not claim more than that.
		c := decode(t, encode(t, recs))
		c = append(c[:cpAfter+1], c[len(c)-1])
		rechain(c, false)
		rep, err := audit.Verify(bytes.NewReader(encode(t, c)), pinned)
		if err != nil {
			t.Fatalf("verify a log cut at a checkpoint: %v", err)
		}
		if rep.Entries != recs[cpAfter].Size || rep.Covered != rep.Entries {
			t.Errorf("report %+v, want %d entries, all covered", rep, recs[cpAfter].Size)
		}
	})

	t.Run("a forged device key and a batch signed with it", func(t *testing.T) {
		last := lastCheckpoint(recs)
		c, n := forgeBatch(t, recs, recs[last].At)
		mustBad(t, encode(t, c), pinned, last+2, 0, "the device keys enrolled by the checkpoint")
		// Enrolled after the last checkpoint, the forged key and its batch
		// are vouched for by no signature: verification passes, and says so.
		c, n = forgeBatch(t, recs, recs[last].At+1)
		rep, err := audit.Verify(bytes.NewReader(encode(t, c)), pinned)
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		if rep.Covered != n-1 || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], fmt.Sprintf("entries #%d to #%d come after the last checkpoint", n, n)) {
			t.Errorf("an entry after the last checkpoint: covered %d, warnings %q", rep.Covered, rep.Warnings)
		}
	})

	t.Run("the server key replaced and every checkpoint signed anew", func(t *testing.T) {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		c := decode(t, encode(t, recs))
		c[0].ServerKey = pub
		for j := range c {
			if c[j].Type == audit.TypeCheckpoint {
				cp := syncengine.Checkpoint{Site: *c[0].Server, Size: c[j].Size, Head: *c[j].Head, At: c[j].At, Keys: *c[j].Keys}
				c[j].Signature = ed25519.Sign(priv, cp.Message())
			}
		}
		export := encode(t, c)
		rep, err := audit.Verify(bytes.NewReader(export), audit.Options{})
		if err != nil {
			t.Fatalf("an unpinned verify of a consistently re-signed log: %v", err)
		}
		if rep.KeyPinned || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "the server's key was read from the file itself") {
			t.Errorf("an unpinned verify: pinned %v, warnings %q; want the warning that the key is the file's", rep.KeyPinned, rep.Warnings)
		}
		mustBad(t, export, pinned, 1, 0, "not the key given with --server-key")
	})
}

// middleOfBatch returns the index of an entry past the middle of the log
// whose neighbours are entries of the same batch.
func middleOfBatch(t *testing.T, recs []audit.Record) int {
	t.Helper()
	for i := len(recs) / 2; i+1 < len(recs); i++ {
		r := recs[i]
		if r.Type == audit.TypeEntry && r.Batch != 0 && r.Change.Column != syncengine.ExistsColumn &&
			recs[i-1].Type == audit.TypeEntry && recs[i-1].Batch == r.Batch &&
			recs[i+1].Type == audit.TypeEntry && recs[i+1].Batch == r.Batch {
			return i
		}
	}
	t.Fatal("no entry in the middle of a batch")
	return 0
}

func lastCheckpoint(recs []audit.Record) int {
	for j := len(recs) - 1; j >= 0; j-- {
		if recs[j].Type == audit.TypeCheckpoint {
			return j
		}
	}
	return -1
}

// rechain rewrites every entry's hash, and the end record, as a forger
// would after altering the log: renumber also numbers the entries anew.
func rechain(recs []audit.Record, renumber bool) {
	var prev, receipt syncengine.Hash
	var seq uint64
	for i := range recs {
		r := &recs[i]
		switch r.Type {
		case audit.TypeBatch:
			receipt = (&syncengine.Receipt{Batch: r.Batch, Device: *r.Device, Officer: r.Officer, Received: r.Received, Signature: r.Signature}).Hash()
		case audit.TypeEntry:
			if seq++; renumber {
				r.Seq = seq
			}
			seq = r.Seq
			var rh syncengine.Hash
			if r.Batch != 0 {
				rh = receipt
			}
			prev = syncengine.EntryHash(prev, r.Seq, r.Change.Hash(), rh)
			h := prev
			r.Hash = &h
		case audit.TypeEnd:
			h := prev
			r.Entries, r.Head = seq, &h
		}
	}
}

// forgeBatch adds to the export a key of a device that never was, enrolled
// at enrolled, and at the end of the log a batch of one change signed with
// it, the chain and the end record rewritten. It returns the records and
// the forged entry's number.
func forgeBatch(t *testing.T, recs []audit.Record, enrolled int64) ([]audit.Record, uint64) {
	t.Helper()
	c := decode(t, encode(t, recs))
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	dev := uuid.New()
	lastDevice, lastEntry, lastBatch := 0, 0, uint64(0)
	for j, r := range c {
		switch r.Type {
		case audit.TypeDevice:
			lastDevice = j
		case audit.TypeEntry:
			lastEntry = j
		case audit.TypeBatch:
			lastBatch = r.Batch
		}
	}
	n := c[lastEntry].Seq + 1
	ch := syncengine.Change{Site: dev, Seq: 1, Table: "households", Row: uuid.New(), Column: "head_name",
		Value: syncengine.Text("Hộ ma"), HLC: c[lastEntry].Change.HLC + 1, CL: 1, Scope: communeA}
	hashes := syncengine.HashChanges([]syncengine.Change{ch})
	end := c[len(c)-1]
	c = append(c[:len(c)-1],
		audit.Record{Type: audit.TypeBatch, Batch: lastBatch + 1, Device: &dev, Officer: "Mallory", Received: enrolled + 1,
			Signature: syncengine.SignBatch(priv, dev, []syncengine.Change{ch}), Changes: hashes},
		audit.Record{Type: audit.TypeEntry, Seq: n, Batch: lastBatch + 1, Change: &ch},
		end)
	c = slices.Insert(c, lastDevice+1, audit.Record{Type: audit.TypeDevice, Device: &dev, PublicKey: pub, Officer: "Mallory", EnrolledAt: enrolled})
	rechain(c, false)
	return c, n
}
