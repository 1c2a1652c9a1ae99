package syncengine

import (
	"cmp"
	"encoding/binary"
	"slices"

	"github.com/google/uuid"
)

// The ids table of a compact batch. Most ids are UUIDv7 row ids: 48 bits
// of milliseconds, the 4-bit version, 12 bits that google/uuid fills with
// the fraction of the millisecond, then the variant and 62 random bits.
// The random half costs its 8 bytes whatever is done; HC1 also spends 8
// bytes on the time half, which gzip shortens to 4 or 5 at best. HC2 sorts
// the ids, so that neighbours were made moments apart, and codes each
// one's time half as the distance from the id before it:
//
//	ids (HC2) = count, then each: uvarint(key - previous key) (the first:
//	            - 0), then the id's last 8 bytes
//	key       = the id's first 8 bytes as a big-endian number, its version
//	            (bits 12-15) moved to the top: ver<<60 | ms<<12 | fraction
//
// Ids are sorted by key, then by their last 8 bytes, each listed once, so
// the differences are never negative, and two ids made a millisecond
// apart differ by 4,096 (two bytes). Any 16 bytes are an id: a UUID of
// another version codes as it sorts, only less tightly.

// sortIDs puts t's ids in the order HC2 lists them and indexes them again.
func (t *compactTables) sortIDs() {
	slices.SortFunc(t.ids, compareIDs)
	for i, id := range t.ids {
		t.idIdx[id] = uint64(i)
	}
}

func compareIDs(a, b uuid.UUID) int {
	if c := cmp.Compare(idKey(a), idKey(b)); c != 0 {
		return c
	}
	return cmp.Compare(binary.BigEndian.Uint64(a[8:]), binary.BigEndian.Uint64(b[8:]))
}

// idKey is the number HC2 codes an id's first 8 bytes as.
func idKey(id uuid.UUID) uint64 {
	hi := binary.BigEndian.Uint64(id[:8])
	return (hi>>12&0xf)<<60 | (hi>>16)<<12 | hi&0xfff
}

// idOfKey is the id whose first 8 bytes key codes and whose last 8 are low.
func idOfKey(key uint64, low []byte) uuid.UUID {
	var id uuid.UUID
	binary.BigEndian.PutUint64(id[:8], (key<<4>>16)<<16|(key>>60)<<12|key&0xfff)
	copy(id[8:], low)
	return id
}

// appendIDs appends t's ids table in version v.
func (t *compactTables) appendIDs(b []byte, v CompactVersion) []byte {
	b = binary.AppendUvarint(b, uint64(len(t.ids)))
	prev := uint64(0)
	for _, id := range t.ids {
		if v == HC2 {
			key := idKey(id)
			b = binary.AppendUvarint(b, key-prev)
			prev = key
			b = append(b, id[8:]...)
		} else {
			b = append(b, id[:]...)
		}
	}
	return b
}

// readIDs reads an ids table in version v into t, refusing in HC2 one
// not in order or listing an id twice.
func (t *compactTables) readIDs(r *compactReader, v CompactVersion) {
	if v != HC2 {
		for range r.count(16) {
			t.ids = append(t.ids, uuid.UUID(r.bytes(16)))
		}
		return
	}
	prev := uint64(0)
	for i := range r.count(9) {
		d := r.uvarint()
		key, low := prev+d, r.bytes(8)
		if r.err != nil {
			return
		}
		id := idOfKey(key, low)
		if key < prev || i > 0 && compareIDs(t.ids[i-1], id) >= 0 {
			r.fail("ids not in order at %d", i)
			return
		}
		t.ids = append(t.ids, id)
		prev = key
	}
}
