package httpd_test

import (
	"bytes"
	"encoding/binary"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"hodan/syncengine"
)

// fuzzSite and fuzzCommune stand, in a fuzzed compact batch, for the site
// and commune of the device the input is pushed from (a commune code has
// five characters, as fuzzCommune, so the lengths before them hold).
var (
	fuzzSite    = syncengine.SiteID(bytes.Repeat([]byte{0xa5}, 16))
	fuzzCommune = "$CMN$"
)

// FuzzPushCompact posts any bytes as the compact batch of a push body
// (syncengine.MediaCompact, seeds in HC1 and HC2), gzipped (odd mode) or not, from a device
// enrolled for the input alone; fuzzSite and fuzzCommune in the input
// become its site and commune. A batch that decodes is signed as the device
// would sign it. The server's answer is held to FuzzPush's rules: a
// refusal of the protocol's shape that changed nothing, or counts that add
// up.
//
//	go test -run '^$' -fuzz '^FuzzPushCompact$' -fuzztime 5m -parallel 1 ./server/httpd
func FuzzPushCompact(f *testing.F) {
	for _, seed := range compactSeeds() {
		for _, v := range []syncengine.CompactVersion{syncengine.HC1, syncengine.HC2} {
			f.Add(syncengine.AppendCompactVersion(nil, seed, v), uint8(0))
			f.Add(syncengine.AppendCompactVersion(nil, seed, v), uint8(1))
		}
	}
	fz := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, batch []byte, mode uint8) {
		dev := fz.enroll(t)
		batch = bytes.ReplaceAll(batch, fuzzSite[:], dev.site[:])
		batch = bytes.ReplaceAll(batch, []byte(fuzzCommune), []byte(dev.commune))
		env := "{}"
		if changes, err := syncengine.DecodeCompact(batch); err == nil && len(changes) > 0 {
			sig := syncengine.SignBatch(deviceKey(t, dev.site), dev.site, changes)
			env = `{"signature":` + string(mustJSON(t, sig)) + "}"
		}
		plain := append(append(binary.AppendUvarint(nil, uint64(len(env))), env...), batch...)
		body, encoding := plain, ""
		if mode%2 == 1 {
			body, encoding = mustGzip(t, plain), "gzip"
		}
		before := fz.state(t, dev)
		resp := fz.ts.send(t, request{Method: http.MethodPost, Path: syncengine.PathPush, Auth: bearer(dev.token),
			ContentType: syncengine.MediaCompact, Encoding: encoding, Body: body})
		fz.assertPush(t, dev, before, resp, func() ([]syncengine.Change, error) {
			req, err := syncengine.DecodeCompactPush(plain, 0)
			return req.Changes, err
		})
	})
}

// compactSeeds are batches of the fuzzed device: a household with a visit
// (a float, a link), the same batch twice, one with a gap in its
// sequence, one of another commune, and none.
func compactSeeds() [][]syncengine.Change {
	hlc := syncengine.MakeHLC(time.Now().Add(-time.Minute).UnixMilli(), 0)
	h, v := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	var day []syncengine.Change
	add := func(table string, row uuid.UUID, column string, value syncengine.Value) {
		day = append(day, syncengine.Change{Table: table, Row: row, Column: column, Value: value, HLC: hlc + syncengine.HLC(len(day)),
			CL: 1, Scope: fuzzCommune, Site: fuzzSite, Seq: uint64(len(day) + 1)})
	}
	add("households", h, "", syncengine.Null())
	add("households", h, "commune_code", syncengine.Text(fuzzCommune))
	add("households", h, "head_name", syncengine.Text("Lò Văn Páo"))
	add("visits", v, "", syncengine.Null())
	add("visits", v, "household_id", syncengine.Text(h.String()))
	add("visits", v, "visit_date", syncengine.Text("2026-11-20"))
	add("visits", v, "purpose", syncengine.Text("poverty_review"))
	add("visits", v, "officer", syncengine.Text("Lò Văn Minh"))
	add("visits", v, "latitude", syncengine.Real(20.7061))
	gap := append([]syncengine.Change(nil), day...)
	gap[0].Seq = 2
	other := append([]syncengine.Change(nil), day...)
	for i := range other {
		other[i].Scope = "02008"
	}
	return [][]syncengine.Change{day, append(day, day...), gap, other, nil}
}
