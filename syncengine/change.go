package syncengine

import (
	"bytes"

	"github.com/google/uuid"
)

// SiteID identifies a replica. It is a random UUID made when the replica's
// database is created.
type SiteID = uuid.UUID

// RowID identifies a row of a synced table. It is a UUIDv7 made on the
// replica that created the row, so that B-tree inserts stay local.
type RowID = uuid.UUID

// ExistsColumn is the Column of a change that sets a row's causal length
// (creates, deletes or re-creates the row) rather than a cell.
const ExistsColumn = ""

// Change is one write to one cell, or to a row's existence, as it travels
// between replicas and as it is kept in every replica's log.
type Change struct {
	Table  string `json:"t"`
	Row    RowID  `json:"r"`
	Column string `json:"c,omitempty"` // ExistsColumn for a row-existence change
	Value  Value  `json:"v"`
	HLC    HLC    `json:"h"`           // when it was written
	Base   HLC    `json:"b,omitempty"` // HLC of the value its writer saw, 0 for none
	CL     uint64 `json:"l"`           // the row's causal length when written
	Scope  string `json:"p"`           // the row's scope, fixed when the row is created
	Site   SiteID `json:"s"`           // the replica that wrote it (its origin)
	Seq    uint64 `json:"q"`           // its position in the origin's sequence, from 1
}

// IsExists reports whether c sets a row's existence rather than a cell.
func (c *Change) IsExists() bool { return c.Column == ExistsColumn }

// version is what orders the writes of one cell: causal length first (a
// write to a later life of the row beats any write to an earlier one), then
// the write's HLC, then its site, then its value so that even a site that
// reused a timestamp cannot make two replicas disagree.
type version struct {
	cl    uint64
	hlc   HLC
	site  SiteID
	value Value
	// seq is the write's local log entry, where the merge knows it: the
	// stored cell keeps its winner's (contested.go). It takes no part in
	// the order.
	seq uint64
}

func (c *Change) version() version {
	return version{cl: c.CL, hlc: c.HLC, site: c.Site, value: c.Value}
}

// beats reports whether a wins over b. It is a strict total order.
func (a version) beats(b version) bool {
	if a.cl != b.cl {
		return a.cl > b.cl
	}
	if a.hlc != b.hlc {
		return a.hlc > b.hlc
	}
	if c := bytes.Compare(a.site[:], b.site[:]); c != 0 {
		return c > 0
	}
	return Compare(a.value, b.value) > 0
}

// Alive reports whether a row whose causal length is cl exists.
func Alive(cl uint64) bool { return cl%2 == 1 }
