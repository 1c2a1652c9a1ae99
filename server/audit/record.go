// Package audit exports a district server's sync log for auditors, and
// verifies, replays and reads such an export with no network: the chain
// of entry hashes, the devices' signatures over the batches they pushed,
// and the server's signed checkpoints. FORMAT.md, beside this file,
// specifies the file byte for byte and says what an auditor can and cannot
// conclude from it.
package audit

import (
	"crypto/ed25519"

	"hodan/syncengine"
)

// Format and Version name the export format in its header.
const (
	Format  = "hodan-audit-log"
	Version = 1
)

// The types of the records of an export, one JSON object per line.
const (
	TypeHeader     = "header"
	TypeDevice     = "device"
	TypeBatch      = "batch"
	TypeEntry      = "entry"
	TypeCheckpoint = "checkpoint"
	TypeEnd        = "end"
)

// Record is one line of an export. Type says which fields it has; the
// others are left out.
type Record struct {
	Type string `json:"type"`

	// header
	Format      string             `json:"format,omitempty"`
	Version     int                `json:"version,omitempty"`
	Server      *syncengine.SiteID `json:"server,omitempty"`
	ServerKey   []byte             `json:"server_key,omitempty"`
	Incarnation string             `json:"incarnation,omitempty"`
	ExportedAt  int64              `json:"exported_at,omitempty"`

	// device: a key a device was enrolled with
	Device     *syncengine.SiteID `json:"device,omitempty"`
	PublicKey  ed25519.PublicKey  `json:"public_key,omitempty"`
	Officer    string             `json:"officer,omitempty"`
	EnrolledAt int64              `json:"enrolled_at,omitempty"`

	// batch: the receipt of a pushed batch, before its first entry (also
	// Device and Officer)
	Batch     uint64            `json:"batch,omitempty"`
	Received  int64             `json:"received,omitempty"`
	Signature []byte            `json:"signature,omitempty"`
	Changes   []syncengine.Hash `json:"changes,omitempty"`

	// entry (also Batch: 0 for an entry with no receipt)
	Seq    uint64             `json:"seq,omitempty"`
	Change *syncengine.Change `json:"change,omitempty"`
	Hash   *syncengine.Hash   `json:"hash,omitempty"`

	// checkpoint (also Signature); end (Entries and Head)
	Size    uint64           `json:"size,omitempty"`
	Head    *syncengine.Hash `json:"head,omitempty"`
	At      int64            `json:"at,omitempty"`
	Keys    *syncengine.Hash `json:"keys,omitempty"`
	Entries uint64           `json:"entries,omitempty"`
}

// Entry is a log entry as verified: its place, its change, the receipt of
// the batch it came in (nil: written on the server, or pulled) and its
// chain hash.
type Entry struct {
	Seq     uint64
	Change  syncengine.Change
	Receipt *syncengine.Receipt
	Hash    syncengine.Hash
}

// Time is when the server took the entry: when its batch was received,
// or, for an entry with no receipt, the wall-clock part of its stamp.
func (e *Entry) Time() int64 {
	if e.Receipt != nil {
		return e.Receipt.Received
	}
	return e.Change.HLC.Millis()
}
