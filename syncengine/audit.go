package syncengine

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// The audit primitives: the canonical bytes of a change, the hash chain of
// the log, the receipts a server keeps of the batches it was sent, and the
// messages devices and servers sign. They are specified byte for byte in
// server/audit/FORMAT.md, so that a tool in another language can check a
// log; a change to any of them is a new version of the format.
const (
	tagChange     = "hodan/change/v1\x00"
	tagReceipt    = "hodan/receipt/v1\x00"
	tagEntry      = "hodan/entry/v1\x00"
	tagBatch      = "hodan/batch/v1\x00"
	tagCheckpoint = "hodan/checkpoint/v1\x00"
	tagKeys       = "hodan/keys/v1\x00"
)

// Hash is a SHA-256 hash: of a change, a receipt, or a log entry and all
// the entries before it.
type Hash [sha256.Size]byte

// String is the hash in hex.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// MarshalText encodes the hash as hex.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText decodes a hash from hex.
func (h *Hash) UnmarshalText(b []byte) error {
	if hex.DecodedLen(len(b)) != len(h) {
		return fmt.Errorf("a hash is %d hex digits, not %d", 2*len(h), len(b))
	}
	if _, err := hex.Decode(h[:], b); err != nil {
		return fmt.Errorf("hash: %w", err)
	}
	return nil
}

// IsZero reports whether h is all zeros: no hash.
func (h Hash) IsZero() bool { return h == Hash{} }

// hashOf returns h as a Hash; h must be a SHA-256 sum.
func hashOf(b []byte) Hash {
	var h Hash
	copy(h[:], b)
	return h
}

// appendCanonical appends the canonical bytes of c: every field, in a
// fixed order and a fixed width, strings length-prefixed.
func (c *Change) appendCanonical(b []byte) []byte {
	b = append(b, tagChange...)
	b = append(b, c.Site[:]...)
	b = binary.BigEndian.AppendUint64(b, c.Seq)
	b = appendString(b, c.Table)
	b = append(b, c.Row[:]...)
	b = appendString(b, c.Column)
	b = c.Value.appendCanonical(b)
	b = binary.BigEndian.AppendUint64(b, uint64(c.HLC))
	b = binary.BigEndian.AppendUint64(b, uint64(c.Base))
	b = binary.BigEndian.AppendUint64(b, c.CL)
	return appendString(b, c.Scope)
}

// Hash is the SHA-256 of the change's canonical bytes: what a device's
// signature covers and what the log's chain links.
func (c *Change) Hash() Hash {
	var buf [256]byte
	return sha256.Sum256(c.appendCanonical(buf[:0]))
}

// Receipt is what a server records of a batch it was sent: who sent it,
// as which officer, when it arrived, and the device's signature over the
// batch as sent (with the hashes of all its changes, including those the
// server already held or refused, which are not in its log).
type Receipt struct {
	Batch     uint64 `json:"batch"` // its number in the server's log of batches, from 1
	Device    SiteID `json:"device"`
	Officer   string `json:"officer"`
	Received  int64  `json:"received"` // Unix milliseconds, the server's clock
	Signature []byte `json:"signature"`
	Changes   []Hash `json:"changes"`
}

// Hash is the SHA-256 of the receipt's canonical bytes. It covers the
// signature but not the list of change hashes, which the signature covers.
func (r *Receipt) Hash() Hash {
	b := append([]byte(tagReceipt), binary.BigEndian.AppendUint64(nil, r.Batch)...)
	b = append(b, r.Device[:]...)
	b = appendString(b, r.Officer)
	b = binary.BigEndian.AppendUint64(b, uint64(r.Received))
	b = appendString(b, string(r.Signature))
	return sha256.Sum256(b)
}

// EntryHash links log entry seq, holding the change whose hash is change
// and received under the receipt whose hash is receipt (zero: written
// here, or pulled), to prev, the hash of the entry before it (zero for the
// first entry).
func EntryHash(prev Hash, seq uint64, change, receipt Hash) Hash {
	b := make([]byte, 0, len(tagEntry)+8+3*len(prev))
	b = append(b, tagEntry...)
	b = append(b, prev[:]...)
	b = binary.BigEndian.AppendUint64(b, seq)
	b = append(b, change[:]...)
	b = append(b, receipt[:]...)
	return sha256.Sum256(b)
}

// BatchMessage is what a device signs for a batch of its changes: the
// device and the hash of every change, in the order sent.
func BatchMessage(device SiteID, changes []Hash) []byte {
	b := make([]byte, 0, len(tagBatch)+len(device)+4+len(changes)*len(Hash{}))
	b = append(b, tagBatch...)
	b = append(b, device[:]...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(changes)))
	for _, h := range changes {
		b = append(b, h[:]...)
	}
	return b
}

// HashChanges returns the hash of every change.
func HashChanges(changes []Change) []Hash {
	out := make([]Hash, len(changes))
	for i := range changes {
		out[i] = changes[i].Hash()
	}
	return out
}

// SignBatch signs a batch of the device's changes with its key.
func SignBatch(key ed25519.PrivateKey, device SiteID, changes []Change) []byte {
	return ed25519.Sign(key, BatchMessage(device, HashChanges(changes)))
}

// VerifyBatch reports whether sig is the device's signature, by key pub,
// over the batch of changes whose hashes are given.
func VerifyBatch(pub ed25519.PublicKey, device SiteID, changes []Hash, sig []byte) bool {
	if len(pub) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize {
		return false
	}
	return ed25519.Verify(pub, BatchMessage(device, changes), sig)
}

// Checkpoint is a server's signed statement that its log held Size
// entries, the last with hash Head, at time At, when the devices' keys it
// had registered were those whose KeysHash is Keys.
type Checkpoint struct {
	Site      SiteID `json:"site"` // the server that signed it
	Size      uint64 `json:"size"`
	Head      Hash   `json:"head"`
	At        int64  `json:"at"` // Unix milliseconds
	Keys      Hash   `json:"keys"`
	Signature []byte `json:"signature"`
}

// DeviceKey is a key a device was enrolled with, as a checkpoint covers it.
type DeviceKey struct {
	Device     SiteID
	PublicKey  ed25519.PublicKey
	Officer    string
	EnrolledAt int64 // Unix milliseconds
}

// KeysHash is the hash of the device keys a server had registered, in the
// order they were enrolled (then by device and key).
func KeysHash(keys []DeviceKey) Hash {
	b := []byte(tagKeys)
	for _, k := range keys {
		b = append(b, k.Device[:]...)
		b = append(b, k.PublicKey...)
		b = binary.BigEndian.AppendUint64(b, uint64(k.EnrolledAt))
		b = appendString(b, k.Officer)
	}
	return sha256.Sum256(b)
}

// Message is what the server signs.
func (cp *Checkpoint) Message() []byte {
	b := append([]byte(tagCheckpoint), cp.Site[:]...)
	b = binary.BigEndian.AppendUint64(b, cp.Size)
	b = append(b, cp.Head[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(cp.At))
	return append(b, cp.Keys[:]...)
}

// Verify reports whether the checkpoint is signed by key pub.
func (cp *Checkpoint) Verify(pub ed25519.PublicKey) bool {
	if len(pub) != ed25519.PublicKeySize || len(cp.Signature) != ed25519.SignatureSize {
		return false
	}
	return ed25519.Verify(pub, cp.Message(), cp.Signature)
}
