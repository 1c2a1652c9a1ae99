package reconcile

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// Pair is two households of one commune that may be one family registered
// twice. In JSON: score, from 0 (barely alike) to 1 (alike in everything
// recorded); reasons, the evidence in words, the names' first;
// name_distance, the edits between the folded names of the heads; a and b,
// the households, a's id before b's.
type Pair struct {
	Score        float64   `json:"score"`
	Reasons      []string  `json:"reasons"`
	NameDistance int       `json:"name_distance"`
	A            Household `json:"a"`
	B            Household `json:"b"`
}

// MaxYearGap is how many years apart the heads' birth years may be, when
// both are known, for two households to be candidates.
const MaxYearGap = 2

// Duplicates returns the candidate pairs among the households of communes
// (every commune when empty) that are not merged into another, best score
// first, then by ids. See the package documentation for what makes a
// candidate. The result is never nil.
//
// Households are compared only within a commune, only with households
// whose heads were born at most MaxYearGap years apart (or whose year is
// unknown), and names only when their lengths and letters could be alike,
// so a commune of 3,000 households takes tens of milliseconds
// (BenchmarkDuplicates3000), not seconds.
func Duplicates(ctx context.Context, q Querier, communes []string) ([]Pair, error) {
	hs, err := loadHouseholds(ctx, q, communes, false)
	if err != nil {
		return nil, err
	}
	byCommune := map[string][]*candidate{}
	for _, h := range hs {
		byCommune[h.Commune] = append(byCommune[h.Commune], newCandidate(h))
	}
	pairs := []Pair{}
	for _, cs := range byCommune {
		pairs = appendCommunePairs(pairs, cs)
	}
	sortPairs(pairs)
	return pairs, nil
}

// AtLeast returns the pairs scoring at least minScore, in their order.
func AtLeast(pairs []Pair, minScore float64) []Pair {
	out := []Pair{}
	for _, p := range pairs {
		if p.Score >= minScore {
			out = append(out, p)
		}
	}
	return out
}

// candidate is a household with what comparing it needs, computed once.
type candidate struct {
	h       *Household
	name    []rune
	letters letterCounts
	year    int // 0 when unknown
	phone   string
	number  string
}

func newCandidate(h *Household) *candidate {
	c := &candidate{h: h, name: []rune(Fold(h.HeadName)), phone: normalPhone(h.Phone)}
	c.letters = countLetters(c.name)
	c.number = alphanumeric(Fold(h.HouseholdNumber))
	if h.HeadBirthYear != nil {
		c.year = *h.HeadBirthYear
	}
	return c
}

// appendCommunePairs appends the candidate pairs among cs, one commune's
// households. A household is compared only with those of its own village
// or of none (any village, if it has none), born within MaxYearGap of it
// or in a year not recorded.
func appendCommunePairs(pairs []Pair, cs []*candidate) []Pair {
	villages := map[string][]*candidate{}
	for _, c := range cs {
		villages[c.h.VillageID] = append(villages[c.h.VillageID], c)
	}
	free := newByYear(villages[""])
	for village, group := range villages {
		same := newByYear(group)
		for _, x := range group {
			same.near(x.year, func(y *candidate) {
				if x.h.ID < y.h.ID { // each pair once
					pairs = appendIfAlike(pairs, x, y)
				}
			})
			if village != "" {
				free.near(x.year, func(y *candidate) { pairs = appendIfAlike(pairs, x, y) })
			}
		}
	}
	return pairs
}

// byYear holds candidates sorted by the head's birth year, and apart
// those whose year is not recorded.
type byYear struct{ known, unknown []*candidate }

func newByYear(cs []*candidate) byYear {
	var b byYear
	for _, c := range cs {
		if c.year == 0 {
			b.unknown = append(b.unknown, c)
		} else {
			b.known = append(b.known, c)
		}
	}
	sort.Slice(b.known, func(i, j int) bool { return b.known[i].year < b.known[j].year })
	return b
}

// near calls fn with every candidate that may have been born within
// MaxYearGap of year: those born so, and those whose year is unknown; all
// of them when year is 0 (unknown).
func (b byYear) near(year int, fn func(*candidate)) {
	from, to := 0, len(b.known)
	if year != 0 {
		from = sort.Search(len(b.known), func(i int) bool { return b.known[i].year >= year-MaxYearGap })
		to = sort.Search(len(b.known), func(i int) bool { return b.known[i].year > year+MaxYearGap })
	}
	for _, c := range b.known[from:to] {
		fn(c)
	}
	for _, c := range b.unknown {
		fn(c)
	}
}

func appendIfAlike(pairs []Pair, x, y *candidate) []Pair {
	if p, ok := compare(x, y); ok {
		return append(pairs, p)
	}
	return pairs
}

// compare tells whether x and y are candidates and, if so, scores them.
// The cheap tests come first: most pairs fail on village, length or
// letters without reaching the edit distance.
func compare(x, y *candidate) (Pair, bool) {
	if x.h.Commune != y.h.Commune || differ(x.h.VillageID, y.h.VillageID) {
		return Pair{}, false
	}
	if x.year != 0 && y.year != 0 && abs(x.year-y.year) > MaxYearGap {
		return Pair{}, false
	}
	limit := Tolerance(len(x.name), len(y.name))
	if abs(len(x.name)-len(y.name)) > limit || x.letters.lowerBound(&y.letters) > limit {
		return Pair{}, false
	}
	d, ok := Alike(x.name, y.name)
	if !ok {
		return Pair{}, false
	}
	if x.h.ID > y.h.ID {
		x, y = y, x
	}
	p := Pair{A: *x.h, B: *y.h, NameDistance: d}
	p.Score, p.Reasons = score(x, y, d)
	return p, true
}

// differ reports whether a and b are both recorded and not equal.
func differ(a, b string) bool { return a != "" && b != "" && a != b }

// Points of evidence, out of 100 for a pair alike in everything recorded.
// A pair that differs in sex or ethnicity loses points: these are rarely
// mistyped, so they point to two families.
var (
	namePoints = [...]int{40, 25, 15} // by edit distance
	yearPoints = [...]int{20, 10, 5}  // by years apart
)

const (
	villagePoints, phonePoints, numberPoints = 10, 10, 10
	sexPoints, ethnicityPoints               = 5, 5
	otherSexPoints, otherEthnicityPoints     = -10, -5
)

// score weighs the evidence that x and y, alike and d edits apart, are one
// household, and says it in words.
func score(x, y *candidate, d int) (float64, []string) {
	points := namePoints[d]
	reasons := []string{nameReason(d)}
	add := func(n int, reason string) {
		points += n
		reasons = append(reasons, reason)
	}
	if x.year != 0 && y.year != 0 {
		add(yearPoints[abs(x.year-y.year)], yearReason(abs(x.year-y.year)))
	}
	if x.h.VillageID != "" && x.h.VillageID == y.h.VillageID {
		add(villagePoints, "same village")
	}
	if x.phone != "" && x.phone == y.phone {
		add(phonePoints, "same phone")
	}
	if x.number != "" && x.number == y.number {
		add(numberPoints, "same household number")
	}
	weigh := func(a, b string, same, other int, what string) {
		if a != "" && b != "" {
			if a == b {
				add(same, "same "+what)
			} else {
				add(other, "different "+what)
			}
		}
	}
	weigh(x.h.HeadSex, y.h.HeadSex, sexPoints, otherSexPoints, "sex")
	weigh(x.h.EthnicityCode, y.h.EthnicityCode, ethnicityPoints, otherEthnicityPoints, "ethnicity")
	points = min(max(points, 0), 100)
	return float64(points) / 100, reasons
}

func nameReason(d int) string {
	switch d {
	case 0:
		return "same name"
	case 1:
		return "name 1 edit apart"
	}
	return fmt.Sprintf("name %d edits apart", d)
}

func yearReason(gap int) string {
	switch gap {
	case 0:
		return "same birth year"
	case 1:
		return "born 1 year apart"
	}
	return fmt.Sprintf("born %d years apart", gap)
}

// sortPairs orders pairs by score, best first, then by the ids.
func sortPairs(pairs []Pair) {
	sort.Slice(pairs, func(i, j int) bool {
		a, b := pairs[i], pairs[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.A.ID != b.A.ID {
			return a.A.ID < b.A.ID
		}
		return a.B.ID < b.B.ID
	})
}

// alphanumeric is s without what is not a letter or a digit: household
// numbers are written "HN-12", "hn 12" or "HN12".
func alphanumeric(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// normalPhone is a phone number's digits, with Vietnam's +84 written as
// the leading 0 people dial at home.
func normalPhone(s string) string {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
	if strings.HasPrefix(digits, "84") && len(digits) >= 11 {
		digits = "0" + digits[2:]
	}
	return digits
}

// letterCounts counts a folded name's letters a to z, its spaces, and
// everything else together.
type letterCounts [28]int16

func countLetters(name []rune) letterCounts {
	var c letterCounts
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z':
			c[r-'a']++
		case unicode.IsSpace(r):
			c[26]++
		default:
			c[27]++
		}
	}
	return c
}

// lowerBound is a lower bound of the edit distance between the names c
// and o were counted from: each edit adds at most one character of a kind
// and removes at most one, and a transposition changes no count.
func (c *letterCounts) lowerBound(o *letterCounts) int {
	more, fewer := 0, 0
	for i := range c {
		if d := int(c[i]) - int(o[i]); d > 0 {
			more += d
		} else {
			fewer -= d
		}
	}
	return max(more, fewer)
}
