package httpd

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"hodan/internal/replica"
	"hodan/server/registry"
	"hodan/syncengine"
)

// commitFixture is a server database and signed batches of devices that
// each recorded households, ready for a committer.
type commitFixture struct {
	db      *syncengine.DB
	batches []syncengine.Received
}

// newCommitFixture makes a server database and one batch for each entry
// of households: a device that recorded that many households.
func newCommitFixture(t *testing.T, households ...int) *commitFixture {
	t.Helper()
	ctx := context.Background()
	open := func(name string, opts replica.Options) *syncengine.DB {
		db, err := replica.Open(ctx, filepath.Join(t.TempDir(), name), opts)
		if err != nil {
			t.Fatalf("open %s: %v", name, err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	f := &commitFixture{db: open("server.db", replica.Options{Migrations: registry.Migrations()})}
	for i, n := range households {
		dev := open(fmt.Sprintf("device%d.db", i), replica.Options{})
		err := dev.Write(ctx, func(tx *syncengine.Tx) error {
			for j := range n {
				_, err := tx.Insert("households", map[string]any{
					"commune_code": "05362", "head_name": fmt.Sprintf("Lò Văn Minh %d-%d", i, j), "head_birth_year": 1979,
					"head_sex": "male", "ethnicity_code": "02", "poverty_status": "poor",
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("record: %v", err)
		}
		changes, err := dev.Pending(ctx, dev.Site(), 0, 1<<20)
		if err != nil {
			t.Fatalf("pending: %v", err)
		}
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		sig := syncengine.SignBatch(key, dev.Site(), changes)
		f.batches = append(f.batches, syncengine.Received{Changes: changes, Receipt: &syncengine.Receipt{
			Device: dev.Site(), Officer: "Lò Văn Minh", Received: time.Now().UnixMilli(),
			Signature: sig, Changes: syncengine.HashChanges(changes),
		}})
	}
	return f
}

// pushOutcome is what submit answered one batch, with the server's
// version of its device read the moment the answer came.
type pushOutcome struct {
	res     syncengine.PushResult
	err     error
	version uint64
}

// submitAsync submits batch i from a goroutine of its own; its outcome
// arrives on the returned channel.
func (f *commitFixture) submitAsync(c *committer, batch syncengine.Received) <-chan pushOutcome {
	out := make(chan pushOutcome, 1)
	go func() {
		res, err := c.submit(batch)
		o := pushOutcome{res: res, err: err}
		site := batch.Receipt.Device
		vv, verr := f.db.Versions(context.Background(), site) // a reader: sees only what is committed
		if verr != nil && o.err == nil {
			o.err = verr
		}
		o.version = vv[site]
		out <- o
	}()
	return out
}

// pushAll submits the batches in order while the writer is held, so that
// the first is being applied and each other one waits behind the one
// before; then lets the writer go and returns every outcome, in order.
func (f *commitFixture) pushAll(t *testing.T, c *committer) []pushOutcome {
	t.Helper()
	release := HoldWriter(t, f.db)
	var outs []<-chan pushOutcome
	for i, b := range f.batches {
		outs = append(outs, f.submitAsync(c, b))
		waitQueued(t, c, i)
	}
	release()
	var outcomes []pushOutcome
	for _, ch := range outs {
		outcomes = append(outcomes, <-ch)
	}
	return outcomes
}

// lastSeq is the sequence number of the last change of batch.
func lastSeq(b syncengine.Received) uint64 { return b.Changes[len(b.Changes)-1].Seq }

func TestCommitterAnswersEachPusherOfAGroupOnceCommitted(t *testing.T) {
	f := newCommitFixture(t, 1, 2, 3, 2)
	gap := f.batches[2]
	gap.Changes = gap.Changes[1:] // the server holds nothing of this device: a gap
	gap.Receipt.Changes = gap.Receipt.Changes[1:]
	f.batches[2] = gap
	again := f.batches[1] // a device that pushed again, its first answer lost
	again.Receipt = &syncengine.Receipt{Device: again.Receipt.Device, Officer: again.Receipt.Officer,
		Received: again.Receipt.Received, Signature: again.Receipt.Signature, Changes: again.Receipt.Changes}
	f.batches = append(f.batches, again)
	// The first is applied alone; the four that waited behind it, as one
	// group: the gap refused, the others applied.
	outcomes := f.pushAll(t, newCommitter(f.db))
	for i, o := range outcomes {
		b := f.batches[i]
		switch {
		case i == 2:
			if !errors.Is(o.err, syncengine.ErrSequenceGap) || o.version != 0 {
				t.Errorf("the batch with a gap: error %v, the server holds #%d of its device; want %v and nothing", o.err, o.version, syncengine.ErrSequenceGap)
			}
		case o.err != nil:
			t.Errorf("batch %d, grouped with a refused one: %v", i, o.err)
		case i == 4 && (o.res.Duplicates != len(b.Changes) || o.res.Applied != 0):
			t.Errorf("the batch pushed again in the same group: answered %+v, want all %d duplicates", o.res, len(b.Changes))
		case i != 4 && (o.res.Applied != len(b.Changes) || o.res.Duplicates != 0 || len(o.res.Rejected) != 0):
			t.Errorf("batch %d of %d changes: answered %+v", i, len(b.Changes), o.res)
		}
		if i != 2 && o.version != lastSeq(b) {
			t.Errorf("batch %d: answered while the server's committed version of its device is #%d, want #%d", i, o.version, lastSeq(b))
		}
	}
}

func TestCommitterGroupsWhatWaitsUpToItsChanges(t *testing.T) {
	c := newCommitter(nil)
	c.maxChanges = 10
	c.running = true // as when a group is being applied
	for _, n := range []int{4, 6, 1, 12, 3, 3} {
		c.queue = append(c.queue, &pushJob{batch: syncengine.Received{Changes: make([]syncengine.Change, n)}})
	}
	var groups [][]int
	for group := c.next(); group != nil; group = c.next() {
		var sizes []int
		for _, job := range group {
			sizes = append(sizes, len(job.batch.Changes))
		}
		groups = append(groups, sizes)
	}
	// In order, as many as fit; a batch larger than the bound goes alone.
	if got, want := fmt.Sprint(groups), "[[4 6] [1] [12] [3 3]]"; got != want {
		t.Errorf("groups %s, want %s", got, want)
	}
	if c.running || c.queue != nil {
		t.Errorf("with nothing waiting: running %v, queue %v; want stopped and empty", c.running, c.queue)
	}
}
