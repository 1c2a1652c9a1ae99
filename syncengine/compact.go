package syncengine

import (
	"encoding/binary"
	"math"

	"github.com/google/uuid"
)

// The compact encoding of a batch of changes, which the protocol prefers
// to JSON for pushes and pull answers (see compact_message.go): tables of
// the strings, sites and ids the batch uses, then each field of the
// changes in turn, all changes each (a column layout), as varints and
// deltas. Gzipped, it takes a fifth to a seventh of the bytes of the
// changes' JSON, and a tenth of its CPU time (BenchmarkWireCodec).
//
//	batch   = magic strings sites ids count fields
//	magic   = "HC1" or "HC2": the version, which codes ids differently
//	strings = count, then each: length, bytes      (tables, columns, scopes)
//	sites   = count, then 16 bytes each
//	ids     = count, then each id                   (row ids, and the UUIDs text values spell)
//	fields  = the 11 fields below in this order, each one for every change
//	          before the next field
//
// Strings and sites are listed in order of first use. Ids are, in HC1,
// listed in order of first use, 16 bytes each; in HC2 (compact_ids.go)
// sorted and coded against the id before them, which takes the first half
// of a UUIDv7 row id (its milliseconds) down to two or three bytes. Numbers are
// unsigned varints (encoding/binary's Uvarint); "zz" marks a zigzag-coded
// signed varint (binary.Varint), of a delta computed modulo 2^64.
//
//	tag     kind | 8 if Base != 0; kind is the Kind, or 5 for a text
//	        that spells, as uuid.UUID.String does, a UUID of ids
//	table, column, scope, site   index into strings or sites
//	row     zz(index - previous change's index) into ids (the first: - 0)
//	seq     zz(Seq - (previous Seq of the same site + 1)) (first: - 1)
//	hlc     zz(HLC - previous HLC of the same site) (first: - 0)
//	base    zz(HLC - Base), only when the tag says Base != 0
//	cl      CL
//	value   NULL: nothing; int: zz(i); real: 8 bytes, big-endian IEEE 754
//	        bits; text, blob: length, bytes; uuid text: index into ids
//
// The encoding of each version is canonical: encoding what DecodeCompact
// makes of a batch, in the batch's version, gives the same bytes back.
// DecodeCompact reads both versions; a peer sends HC2 only to one that
// said it reads it (AcceptPull, EncodingHC2), so that older peers keep
// working.

// CompactVersion is a version of the compact encoding.
type CompactVersion byte

// The versions of the compact encoding.
const (
	HC1 CompactVersion = 1 // ids as 16 bytes each, in order of first use
	HC2 CompactVersion = 2 // ids sorted and delta-coded (compact_ids.go)
)

// magic is the first bytes of a batch in version v.
func (v CompactVersion) magic() string { return "HC" + string('0'+byte(v)) }

// compactVersionOf is the version of the encoded batch b, or 0 if b does
// not start with the magic of a version.
func compactVersionOf(b []byte) CompactVersion {
	for _, v := range []CompactVersion{HC1, HC2} {
		if len(b) >= len(v.magic()) && string(b[:len(v.magic())]) == v.magic() {
			return v
		}
	}
	return 0
}

const (
	kindUUIDText = 5 // a text that is the canonical spelling of a UUID in ids
	tagHasBase   = 8
)

// The fields of a change in the order they are written: each one's decoding
// may use the fields before it (the tag gives the value's kind, the site
// the deltas' reference).
const (
	cfTag = iota
	cfTable
	cfColumn
	cfScope
	cfRow
	cfSite
	cfSeq
	cfHLC
	cfBase
	cfCL
	cfValue
	compactFields
)

// compactTables are the tables of a batch: its strings, sites and ids, each
// in order of first use, with the index of each.
type compactTables struct {
	strs    []string
	sites   []SiteID
	ids     []uuid.UUID
	strIdx  map[string]uint64
	siteIdx map[SiteID]uint64
	idIdx   map[uuid.UUID]uint64
}

// compactDeltas is what a field's coding refers to: the fields before it
// of the same change, and the previous change's.
type compactDeltas struct {
	tags  []byte   // by change
	sites []uint64 // the site index of each change
	row   uint64   // the row index of the previous change
	seq   []uint64 // by site index, the last Seq
	hlc   []HLC    // by site index, the last HLC
}

// AppendCompact appends the compact encoding of changes to b in HC1, which
// every peer reads. It does not check the changes; DecodeCompact refuses
// what JSON would not carry.
func AppendCompact(b []byte, changes []Change) []byte {
	return AppendCompactVersion(b, changes, HC1)
}

// AppendCompactVersion appends the compact encoding of changes to b in
// version v, as AppendCompact does in HC1.
func AppendCompactVersion(b []byte, changes []Change, v CompactVersion) []byte {
	t := newCompactTables(changes, v)
	b = append(b, v.magic()...)
	b = binary.AppendUvarint(b, uint64(len(t.strs)))
	for _, s := range t.strs {
		b = appendVarString(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(t.sites)))
	for _, s := range t.sites {
		b = append(b, s[:]...)
	}
	b = t.appendIDs(b, v)
	b = binary.AppendUvarint(b, uint64(len(changes)))
	forEachField(len(changes), len(t.sites), func(d *compactDeltas, i, f int) {
		b = t.appendField(b, d, i, &changes[i], f)
	})
	return b
}

func newCompactTables(changes []Change, v CompactVersion) *compactTables {
	t := &compactTables{strIdx: map[string]uint64{}, siteIdx: map[SiteID]uint64{}, idIdx: map[uuid.UUID]uint64{}}
	for i := range changes {
		c := &changes[i]
		t.str(c.Table)
		t.str(c.Column)
		t.str(c.Scope)
		if _, ok := t.siteIdx[c.Site]; !ok {
			t.siteIdx[c.Site] = uint64(len(t.sites))
			t.sites = append(t.sites, c.Site)
		}
		t.id(c.Row)
		if id, ok := spelledUUID(c.Value); ok {
			t.id(id)
		}
	}
	if v == HC2 {
		t.sortIDs()
	}
	return t
}

func (t *compactTables) str(s string) {
	if _, ok := t.strIdx[s]; !ok {
		t.strIdx[s] = uint64(len(t.strs))
		t.strs = append(t.strs, s)
	}
}

func (t *compactTables) id(id uuid.UUID) {
	if _, ok := t.idIdx[id]; !ok {
		t.idIdx[id] = uint64(len(t.ids))
		t.ids = append(t.ids, id)
	}
}

// spelledUUID reports whether v is a text that a UUID spells exactly as
// uuid.UUID.String does (lower case, with hyphens), so that the UUID's 16
// bytes give the text back byte for byte.
func spelledUUID(v Value) (uuid.UUID, bool) {
	if v.kind != KindText || len(v.s) != 36 {
		return uuid.UUID{}, false
	}
	id, err := uuid.Parse(v.s)
	return id, err == nil && id.String() == v.s
}

// forEachField calls fn for every field of n changes in the order they are
// written, field after field, with the delta state that field's coding
// refers to.
func forEachField(n, sites int, fn func(d *compactDeltas, i, f int)) {
	d := &compactDeltas{tags: make([]byte, n), sites: make([]uint64, n), seq: make([]uint64, sites), hlc: make([]HLC, sites)}
	for f := range compactFields {
		for i := range n {
			fn(d, i, f)
		}
	}
}

func (t *compactTables) appendField(b []byte, d *compactDeltas, i int, c *Change, f int) []byte {
	site := d.sites[i]
	switch f {
	case cfTag:
		d.tags[i] = compactTag(c)
		return append(b, d.tags[i])
	case cfTable:
		return binary.AppendUvarint(b, t.strIdx[c.Table])
	case cfColumn:
		return binary.AppendUvarint(b, t.strIdx[c.Column])
	case cfScope:
		return binary.AppendUvarint(b, t.strIdx[c.Scope])
	case cfRow:
		row := t.idIdx[c.Row]
		b = binary.AppendVarint(b, int64(row-d.row))
		d.row = row
		return b
	case cfSite:
		d.sites[i] = t.siteIdx[c.Site]
		return binary.AppendUvarint(b, d.sites[i])
	case cfSeq:
		b = binary.AppendVarint(b, int64(c.Seq-d.seq[site]-1))
		d.seq[site] = c.Seq
		return b
	case cfHLC:
		b = binary.AppendVarint(b, int64(c.HLC-d.hlc[site]))
		d.hlc[site] = c.HLC
		return b
	case cfBase:
		if c.Base == 0 {
			return b
		}
		return binary.AppendVarint(b, int64(c.HLC-c.Base))
	case cfCL:
		return binary.AppendUvarint(b, c.CL)
	}
	return t.appendValue(b, d.tags[i], c.Value)
}

func compactTag(c *Change) byte {
	tag := byte(c.Value.kind)
	if _, ok := spelledUUID(c.Value); ok {
		tag = kindUUIDText
	}
	if c.Base != 0 {
		tag |= tagHasBase
	}
	return tag
}

func (t *compactTables) appendValue(b []byte, tag byte, v Value) []byte {
	if tag&^tagHasBase == kindUUIDText {
		id, _ := spelledUUID(v)
		return binary.AppendUvarint(b, t.idIdx[id])
	}
	switch v.kind {
	case KindInt:
		return binary.AppendVarint(b, v.i)
	case KindReal:
		return binary.BigEndian.AppendUint64(b, math.Float64bits(v.f))
	case KindText, KindBlob:
		return appendVarString(b, v.s)
	}
	return b
}

func appendVarString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}
