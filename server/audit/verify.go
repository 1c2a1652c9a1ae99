package audit

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"hodan/syncengine"
)

// ErrTampered is wrapped by every error Walk returns for a file that is
// not what the server wrote: an entry edited, deleted, inserted or
// reordered, a signature forged, a file cut short.
var ErrTampered = errors.New("the log does not verify")

// Bad is the first place a log fails to verify: the line of the file and,
// when it is about an entry, the entry's sequence number.
type Bad struct {
	Line int
	Seq  uint64 // 0: not an entry
	What string
}

// Error says where and what, after "the log does not verify".
func (b *Bad) Error() string {
	if b.Seq != 0 {
		return fmt.Sprintf("%v: line %d, entry #%d: %s", ErrTampered, b.Line, b.Seq, b.What)
	}
	return fmt.Sprintf("%v: line %d: %s", ErrTampered, b.Line, b.What)
}

// Unwrap makes a Bad an ErrTampered.
func (b *Bad) Unwrap() error { return ErrTampered }

// Options are what an auditor brings to a verification.
type Options struct {
	// ServerKey, if set, is the server's public key as the auditor
	// obtained it elsewhere (pinned); a file whose header names another
	// key fails. Unset, the header's key is taken on trust.
	ServerKey ed25519.PublicKey
	// ReplayBatch is how many entries Replay merges in one transaction;
	// 0 means DefaultReplayBatch.
	ReplayBatch int
}

// Report is what a verification found.
type Report struct {
	Server      syncengine.SiteID `json:"server"`
	Entries     uint64            `json:"entries"`
	Batches     int               `json:"batches"`
	Devices     int               `json:"device_keys"`
	Checkpoints int               `json:"checkpoints"`
	// Covered is the size of the log at its last checkpoint: the entries
	// up to it are vouched for by the server's signature.
	Covered   uint64          `json:"covered"`
	Head      syncengine.Hash `json:"head"`
	KeyPinned bool            `json:"server_key_pinned"`
	Warnings  []string        `json:"warnings,omitempty"`
}

// Verify reads an export and checks all of it.
func Verify(r io.Reader, opts Options) (Report, error) {
	return Walk(r, opts, nil)
}

// Walk reads an export from r, verifying it as it goes, and calls fn, if
// not nil, with each entry once it has verified it and every entry before
// it. It stops at the first failure, returning a *Bad that wraps
// ErrTampered, or at fn's first error. Its memory holds the device keys
// and one batch, whatever the length of the log.
func Walk(r io.Reader, opts Options, fn func(*Entry) error) (Report, error) {
	w := &walker{in: bufio.NewReaderSize(r, 1<<16), opts: opts, keys: map[syncengine.SiteID][]syncengine.DeviceKey{}}
	return w.run(fn)
}

type walker struct {
	in   *bufio.Reader
	opts Options
	line int
	rep  Report

	serverKey ed25519.PublicKey
	// devices are the device key records, in file order; keys the same
	// by device.
	devices []syncengine.DeviceKey
	keys    map[syncengine.SiteID][]syncengine.DeviceKey
	// The batch whose entries come next: its receipt, the hash of the
	// receipt, and how far into its signed changes the entries have come.
	batch       *syncengine.Receipt
	receiptHash syncengine.Hash
	pos         int
	// The chain so far.
	seq   uint64
	chain syncengine.Hash
	ended bool
}

func (w *walker) bad(seq uint64, format string, args ...any) error {
	return &Bad{Line: w.line, Seq: seq, What: fmt.Sprintf(format, args...)}
}

func (w *walker) run(fn func(*Entry) error) (Report, error) {
	for {
		rec, err := w.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return w.rep, err
		}
		if w.ended {
			return w.rep, w.bad(0, "a %s record after the end record", rec.Type)
		}
		if w.line == 1 && rec.Type != TypeHeader {
			return w.rep, w.bad(0, "the file does not start with a header record: it is not a Hodan audit log")
		}
		switch rec.Type {
		case TypeHeader:
			err = w.header(rec)
		case TypeDevice:
			err = w.device(rec)
		case TypeBatch:
			err = w.newBatch(rec)
		case TypeEntry:
			var e *Entry
			if e, err = w.entry(rec); err == nil && fn != nil {
				err = fn(e)
			}
		case TypeCheckpoint:
			err = w.checkpoint(rec)
		case TypeEnd:
			err = w.end(rec)
		default:
			err = w.bad(0, "unknown record type %q", rec.Type)
		}
		if err != nil {
			return w.rep, err
		}
	}
	if w.line == 0 {
		return w.rep, w.bad(0, "the file is empty")
	}
	if !w.ended {
		return w.rep, w.bad(0, "the file ends after entry #%d without its end record: it was cut short", w.seq)
	}
	w.rep.Entries, w.rep.Head = w.seq, w.chain
	if w.rep.Covered < w.seq {
		w.rep.Warnings = append(w.rep.Warnings, fmt.Sprintf("entries #%d to #%d come after the last checkpoint: the server's signature does not vouch for them yet (sign one with `hodan-server audit checkpoint` and export again)", w.rep.Covered+1, w.seq))
	}
	if !w.rep.KeyPinned {
		w.rep.Warnings = append(w.rep.Warnings, "the server's key was read from the file itself: whoever could rewrite the file could also have replaced it; give the key you obtained from the district with --server-key")
	}
	return w.rep, nil
}

// next reads and decodes the next line.
func (w *walker) next() (*Record, error) {
	line, err := w.in.ReadBytes('\n')
	if len(line) == 0 && err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("read log: %w", err)
	}
	w.line++
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read log: %w", err)
	}
	var rec Record
	if decodeEntry(line, &rec) {
		return &rec, nil
	}
	if err := decodeRecord(line, &rec); err != nil {
		return nil, w.bad(0, "%v", err)
	}
	return &rec, nil
}

// decodeRecord decodes one line of an export with encoding/json, refusing
// unknown fields and more than one record.
func decodeRecord(line []byte, rec *Record) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(rec); err != nil {
		return fmt.Errorf("not a record of the format: %w", err)
	}
	if dec.More() {
		return errors.New("more than one record on the line")
	}
	return nil
}

func (w *walker) header(rec *Record) error {
	if w.line != 1 {
		return w.bad(0, "a second header")
	}
	if rec.Format != Format || rec.Version != Version {
		return w.bad(0, "format %q version %d; this tool reads %q version %d", rec.Format, rec.Version, Format, Version)
	}
	if rec.Server == nil {
		return w.bad(0, "the header names no server")
	}
	w.rep.Server = *rec.Server
	w.serverKey = rec.ServerKey
	if w.opts.ServerKey != nil {
		if !bytes.Equal(w.opts.ServerKey, rec.ServerKey) {
			return w.bad(0, "the file's server key is not the key given with --server-key: this log was not signed by that server")
		}
		w.rep.KeyPinned = true
	}
	return nil
}

func (w *walker) device(rec *Record) error {
	if rec.Device == nil || len(rec.PublicKey) != ed25519.PublicKeySize {
		return w.bad(0, "a device record needs a device and a %d-byte public key", ed25519.PublicKeySize)
	}
	if w.seq > 0 || w.batch != nil {
		return w.bad(0, "a device record after the log began: device keys come first")
	}
	k := syncengine.DeviceKey{Device: *rec.Device, PublicKey: rec.PublicKey, Officer: rec.Officer, EnrolledAt: rec.EnrolledAt}
	if n := len(w.devices); n > 0 && w.devices[n-1].EnrolledAt > k.EnrolledAt {
		return w.bad(0, "device keys out of the order they were enrolled in")
	}
	w.devices = append(w.devices, k)
	w.keys[k.Device] = append(w.keys[k.Device], k)
	w.rep.Devices++
	return nil
}

func (w *walker) newBatch(rec *Record) error {
	if rec.Device == nil {
		return w.bad(0, "batch %d names no device", rec.Batch)
	}
	if w.batch != nil && rec.Batch <= w.batch.Batch {
		return w.bad(0, "batch %d after batch %d: batches are numbered in the order received", rec.Batch, w.batch.Batch)
	}
	if w.batch != nil && w.pos == 0 {
		return w.bad(0, "batch %d has no entry", w.batch.Batch)
	}
	r := &syncengine.Receipt{Batch: rec.Batch, Device: *rec.Device, Officer: rec.Officer, Received: rec.Received,
		Signature: rec.Signature, Changes: rec.Changes}
	if !w.signedByDevice(r) {
		return w.bad(0, "batch %d: the signature is not device %s's over the batch's changes (forged, or the batch's list of changes was altered)", r.Batch, r.Device)
	}
	w.batch, w.receiptHash, w.pos = r, r.Hash(), 0
	w.rep.Batches++
	return nil
}

// signedByDevice reports whether a key the device had been enrolled with
// when the batch was received signed the batch.
func (w *walker) signedByDevice(r *syncengine.Receipt) bool {
	for _, k := range w.keys[r.Device] {
		if k.EnrolledAt <= r.Received && syncengine.VerifyBatch(k.PublicKey, r.Device, r.Changes, r.Signature) {
			return true
		}
	}
	return false
}

func (w *walker) entry(rec *Record) (*Entry, error) {
	if rec.Change == nil || rec.Hash == nil {
		return nil, w.bad(rec.Seq, "an entry needs a change and a hash")
	}
	want := w.seq + 1
	switch {
	case rec.Seq < want:
		return nil, w.bad(rec.Seq, "comes after entry #%d: the log was reordered, or an entry repeated", w.seq)
	case rec.Seq > want:
		return nil, w.bad(rec.Seq, "entry #%d is missing: entries were deleted", want)
	}
	e := &Entry{Seq: rec.Seq, Change: *rec.Change}
	h := e.Change.Hash()
	var receipt syncengine.Hash
	if rec.Batch != 0 {
		if w.batch == nil || rec.Batch != w.batch.Batch {
			return nil, w.bad(rec.Seq, "names batch %d, which is not the batch before it", rec.Batch)
		}
		if e.Change.Site != w.batch.Device {
			return nil, w.bad(rec.Seq, "a change of %s in a batch device %s signed", e.Change.Site, w.batch.Device)
		}
		i := w.pos
		for i < len(w.batch.Changes) && w.batch.Changes[i] != h {
			i++
		}
		if i == len(w.batch.Changes) {
			return nil, w.bad(rec.Seq, "this change is not one device %s signed in batch %d: the entry was altered (or does not belong to the batch)", w.batch.Device, w.batch.Batch)
		}
		w.pos = i + 1
		e.Receipt, receipt = w.batch, w.receiptHash
	}
	chain := syncengine.EntryHash(w.chain, e.Seq, h, receipt)
	if chain != *rec.Hash {
		return nil, w.bad(rec.Seq, "its hash does not follow from the entry and the one before it: the entry, its receipt or an earlier entry was altered")
	}
	w.seq, w.chain, e.Hash = e.Seq, chain, chain
	return e, nil
}

func (w *walker) checkpoint(rec *Record) error {
	if rec.Head == nil || rec.Keys == nil {
		return w.bad(0, "a checkpoint needs a head and a keys hash")
	}
	cp := syncengine.Checkpoint{Site: w.rep.Server, Size: rec.Size, Head: *rec.Head, At: rec.At, Keys: *rec.Keys, Signature: rec.Signature}
	if !cp.Verify(w.serverKey) {
		return w.bad(0, "the checkpoint at entry #%d is not signed by the server's key (forged, or altered)", rec.Size)
	}
	n := 0
	for n < len(w.devices) && w.devices[n].EnrolledAt <= cp.At {
		n++
	}
	if syncengine.KeysHash(w.devices[:n]) != cp.Keys {
		return w.bad(0, "the device keys enrolled by the checkpoint at entry #%d are not those the server signed: a device key was added, removed or altered", rec.Size)
	}
	if rec.Size != w.seq || *rec.Head != w.chain {
		return w.bad(rec.Size, "the server signed a log of %d entries ending in %s; the file has come to entry #%d ending in %s: entries up to #%d were altered, deleted, inserted or reordered and the chain rewritten after entry #%d", rec.Size, rec.Head, w.seq, w.chain, rec.Size, w.rep.Covered)
	}
	w.rep.Checkpoints++
	w.rep.Covered = rec.Size
	return nil
}

func (w *walker) end(rec *Record) error {
	if rec.Entries != w.seq || rec.Head == nil || *rec.Head != w.chain {
		return w.bad(0, "the end record says %d entries, the file holds %d: entries were deleted or added at the end", rec.Entries, w.seq)
	}
	if w.batch != nil && w.pos == 0 {
		return w.bad(0, "batch %d has no entry", w.batch.Batch)
	}
	w.ended = true
	return nil
}
