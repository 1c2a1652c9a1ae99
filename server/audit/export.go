package audit

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"hodan/server/registry"
	"hodan/syncengine"
)

// exportPage is how many log entries the exporter reads at a time.
const exportPage = 2000

// Summary counts what an export holds.
type Summary struct {
	Entries     uint64          `json:"entries"`
	Batches     int             `json:"batches"`
	Devices     int             `json:"device_keys"`
	Checkpoints int             `json:"checkpoints"`
	Head        syncengine.Hash `json:"head"`
}

// Export writes the server's log as it stands, with the device keys, the
// receipts of the batches and the checkpoints, to w in the format of
// FORMAT.md. It reads the log a page at a time, so its memory does not
// grow with the log; entries appended while it runs are left for the next
// export. serverKey is the server's public key (nil if it has none yet).
func Export(ctx context.Context, db *syncengine.DB, reg *registry.Registry, serverKey ed25519.PublicKey, w io.Writer, now time.Time) (Summary, error) {
	var sum Summary
	size, head, err := db.LogHead(ctx)
	if err != nil {
		return sum, err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	site := db.Site()
	if err := enc.Encode(Record{Type: TypeHeader, Format: Format, Version: Version, Server: &site,
		ServerKey: serverKey, Incarnation: db.Incarnation(), ExportedAt: now.UnixMilli(), Entries: size}); err != nil {
		return sum, fmt.Errorf("write export: %w", err)
	}
	keys, err := reg.DeviceKeys(ctx)
	if err != nil {
		return sum, err
	}
	for _, k := range keys {
		dev := k.Device
		if err := enc.Encode(Record{Type: TypeDevice, Device: &dev, PublicKey: k.PublicKey, Officer: k.Officer,
			EnrolledAt: k.EnrolledAt}); err != nil {
			return sum, fmt.Errorf("write export: %w", err)
		}
	}
	sum.Devices = len(keys)
	checkpoints, err := db.Checkpoints(ctx)
	if err != nil {
		return sum, err
	}
	var batch uint64
	for after := uint64(0); after < size; {
		entries, err := db.AuditLog(ctx, after, int(min(exportPage, size-after)))
		if err != nil {
			return sum, err
		}
		if len(entries) == 0 {
			return sum, fmt.Errorf("export: the log ends at #%d, before its head #%d", after, size)
		}
		for i := range entries {
			e := &entries[i]
			if e.Batch != 0 && e.Batch != batch {
				if err := writeBatch(ctx, db, enc, e.Batch); err != nil {
					return sum, err
				}
				batch = e.Batch
				sum.Batches++
			}
			if err := enc.Encode(Record{Type: TypeEntry, Seq: e.Seq, Batch: e.Batch, Change: &e.Change, Hash: &e.Chain}); err != nil {
				return sum, fmt.Errorf("write export: %w", err)
			}
			for len(checkpoints) > 0 && checkpoints[0].Size <= e.Seq {
				cp := checkpoints[0]
				checkpoints = checkpoints[1:]
				if cp.Size != e.Seq {
					continue // of a log this one no longer is; verify will say so
				}
				if err := enc.Encode(Record{Type: TypeCheckpoint, Size: cp.Size, Head: &cp.Head, At: cp.At, Keys: &cp.Keys, Signature: cp.Signature}); err != nil {
					return sum, fmt.Errorf("write export: %w", err)
				}
				sum.Checkpoints++
			}
			after = e.Seq
		}
	}
	if err := enc.Encode(Record{Type: TypeEnd, Entries: size, Head: &head}); err != nil {
		return sum, fmt.Errorf("write export: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return sum, fmt.Errorf("write export: %w", err)
	}
	sum.Entries, sum.Head = size, head
	return sum, nil
}

func writeBatch(ctx context.Context, db *syncengine.DB, enc *json.Encoder, id uint64) error {
	r, err := db.Receipt(ctx, id)
	if err != nil {
		return err
	}
	if err := enc.Encode(Record{Type: TypeBatch, Batch: r.Batch, Device: &r.Device, Officer: r.Officer,
		Received: r.Received, Signature: r.Signature, Changes: r.Changes}); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	return nil
}
