package syncengine

import (
	"encoding/json"
	"math"
	"testing"
)

// tricky are values that must survive every encoding unchanged.
var tricky = []Value{
	Null(),
	Int(0), Int(1), Int(-1), Int(math.MaxInt64), Int(math.MinInt64),
	Real(0), Real(math.Copysign(0, -1)), Real(1.5), Real(-2.25e-300), Real(math.MaxFloat64),
	Real(math.SmallestNonzeroFloat64), Real(1e21), Real(3),
	Text(""), Text(" "), Text("Bùi Văn Thảo"),
	Text("Bu\u0300i Va\u0306n Tha\u0309o"), // decomposed: combining marks, not NFC
	Text("Hà Giang\n\t\"quoted\" \\ /"), Text("\u0000nul"), Text("🌧️ bão Yagi"),
	Blob(nil), Blob([]byte{0, 1, 2, 255}),
}

func TestValueJSONRoundTrip(t *testing.T) {
	for _, v := range tricky {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("marshal %v: %v", v, err)
		}
		var got Value
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("unmarshal %s: %v", b, err)
		}
		if !got.Equal(v) || got.Kind() != v.Kind() {
			t.Errorf("%#v -> %s -> %#v", v, b, got)
		}
	}
}

func TestValueJSONRefusesBadInput(t *testing.T) {
	for _, in := range []string{
		`true`, `[1]`, `{"y": 1}`, `{}`, `1e400`, `99999999999999999999`, `-`, `"\xff"`, `nan`, `01x`, `{"x": 5}`,
	} {
		var v Value
		if err := json.Unmarshal([]byte(in), &v); err == nil {
			t.Errorf("unmarshal %s = %#v, want an error", in, v)
		}
	}
}

func TestValueOfRefusesNonFinite(t *testing.T) {
	for _, x := range []any{math.NaN(), math.Inf(1), math.Inf(-1), "\xff\xfe", struct{}{}} {
		if _, err := ValueOf(x); err == nil {
			t.Errorf("ValueOf(%#v) succeeded, want an error", x)
		}
	}
}

func TestValueSurvivesSQLite(t *testing.T) {
	db := mustOpen(t, "values")
	ids := make([]RowID, len(tricky))
	mustWrite(t, db, func(tx *Tx) error {
		for i, v := range tricky {
			var err error
			if ids[i], err = tx.Insert("villages", map[string]any{"commune": "x", "note": v.Any()}); err != nil {
				return err
			}
		}
		return nil
	})
	byRow := map[RowID]Value{}
	for _, c := range allChanges(t, db) {
		if c.Column == "note" {
			byRow[c.Row] = c.Value
		}
	}
	for i, v := range tricky {
		got, ok := byRow[ids[i]]
		if v.IsNull() {
			if ok {
				t.Errorf("NULL was written as a change: %#v", got)
			}
			continue
		}
		if !ok || !got.Equal(v) {
			t.Errorf("log holds %#v, wrote %#v", got, v)
		}
	}
}
