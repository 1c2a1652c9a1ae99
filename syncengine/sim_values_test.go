package syncengine

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/google/uuid"
)

// simKind is the type of a simulated column, as the schema declares it.
type simKind int

const (
	simText simKind = iota
	simInt
	simReal
	simDate // TEXT, YYYY-MM-DD
	simBlob
	simAny // an untyped column: any kind of value
	simLink
)

// simKinds gives the kind of every column of simTables; the scope column is
// text, the parent column a link.
var simKinds = map[string]simKind{
	"sim_households.commune": simText, "sim_households.head": simText, "sim_households.born": simInt,
	"sim_households.income": simReal, "sim_households.assessed": simDate, "sim_households.photo": simBlob,
	"sim_households.extra":     simAny,
	"sim_members.household_id": simLink, "sim_members.name": simText, "sim_members.born": simInt,
	"sim_members.score": simReal, "sim_members.dob": simDate,
	"sim_visits.member_id": simLink, "sim_visits.visit_date": simDate, "sim_visits.amount": simInt,
	"sim_visits.note": simText, "sim_visits.photo": simBlob,
}

func simKindOf(table, col string) simKind { return simKinds[table+"."+col] }

// simSpec is the declaration of one of simTables.
func simSpec(name string) TableSpec {
	for _, s := range simTables {
		if s.Name == name {
			return s
		}
	}
	panic("no simulated table " + name)
}

// simTexts are Vietnamese names and places in both Unicode forms (NFC, and
// NFD with combining marks), and texts that trip encoders.
var simTexts = []string{
	"Hà Giang", "Ha\u0300 Giang", "Bùi Văn Thảo", "Bu\u0300i Va\u0306n Tha\u0309o",
	"Nguyễn Thị Ánh", "Nguye\u0302\u0303n Thi\u0323 A\u0301nh", "Đặng Thị Hường", "Lò A Sử",
	"Bản Lác \"trên\"\n\t\\ /", "", " ", "\u0000nul", "🌧️ bão Yagi", "ngoặc <b>&amp;</b>",
}

var (
	simOnsets = []string{"Ng", "Th", "Đ", "B", "L", "H", "M", "Tr", "Kh", "Ph", "X", ""}
	simVowels = []string{"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "a\u0306", "o\u031b"}
	simTones  = []string{"", "", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "ả", "ạ"}
	simCodas  = []string{"", "n", "ng", "c", "t", "m", "p", "nh", "ch"}
)

// value returns a random value for a column of kind k, NULL now and then.
func (w *simWorld) value(k simKind) any {
	if w.rng.IntN(10) == 0 {
		return nil
	}
	switch k {
	case simInt:
		return w.intValue()
	case simReal:
		return w.realValue()
	case simDate:
		return w.dateValue()
	case simBlob:
		return w.blobValue()
	case simAny:
		return w.value(simKind(w.rng.IntN(int(simAny))))
	}
	return w.textValue()
}

func (w *simWorld) textValue() string {
	if w.rng.IntN(2) == 0 {
		return simTexts[w.rng.IntN(len(simTexts))]
	}
	var b strings.Builder
	for i := 0; i < 1+w.rng.IntN(4); i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		for _, part := range [][]string{simOnsets, simVowels, simTones, simCodas} {
			b.WriteString(part[w.rng.IntN(len(part))])
		}
	}
	return b.String()
}

func (w *simWorld) intValue() int64 {
	switch w.rng.IntN(6) {
	case 0:
		return math.MinInt64
	case 1:
		return math.MaxInt64
	case 2:
		return []int64{0, 1, -1}[w.rng.IntN(3)]
	case 3:
		return int64(1920 + w.rng.IntN(106))
	}
	return int64(w.rng.Uint64())
}

func (w *simWorld) realValue() float64 {
	special := []float64{0, math.Copysign(0, -1), math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
		math.MaxFloat64, -math.MaxFloat64, 1e-300, 1e21, 3, 0.1, 1.0 / 3, -2.5}
	switch w.rng.IntN(3) {
	case 0:
		return special[w.rng.IntN(len(special))]
	case 1:
		return w.rng.NormFloat64() * 1e6
	}
	for { // any finite bit pattern
		f := math.Float64frombits(w.rng.Uint64())
		if !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f
		}
	}
}

func (w *simWorld) dateValue() string {
	if w.rng.IntN(10) == 0 {
		return "2024-02-29"
	}
	d := time.Date(1900+w.rng.IntN(131), time.Month(1+w.rng.IntN(12)), 1+w.rng.IntN(28), 0, 0, 0, 0, time.UTC)
	return d.Format(time.DateOnly)
}

func (w *simWorld) blobValue() []byte {
	switch w.rng.IntN(5) {
	case 0:
		return nil // an empty blob, as the engine keeps it
	case 1:
		return []byte{}
	case 2:
		return []byte(simTexts[w.rng.IntN(len(simTexts))]) // a text's bytes, as a blob
	}
	b := make([]byte, w.rng.IntN(40))
	for i := range b {
		b[i] = byte(w.rng.IntN(256))
	}
	return b
}

// simStored is the value a domain table column of kind k gives back for v.
// SQLite stores a real with an integral value in a REAL column as an
// integer, so -0.0 comes back as 0.0 there; the engine's own stores keep
// the sign, and the digest covers them.
func simStored(k simKind, v Value) Value {
	if k == simReal && v.Kind() == KindReal && v.f == 0 {
		return Real(0)
	}
	return v
}

func uuidOf(v Value) (RowID, error) {
	if v.Kind() != KindText {
		return RowID{}, fmt.Errorf("a link is text, not %v", v)
	}
	id, err := uuid.Parse(v.String())
	if err != nil {
		return RowID{}, fmt.Errorf("link %q: %w", v.String(), err)
	}
	return id, nil
}
