package reconcile

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// LongName is the folded length, in characters, from which two names may
// be two edits apart and still be alike. A short name ("lo van a") changed
// twice is too often somebody else; in a long one ("nguyen thi thanh
// huong") two slips of the keyboard are common.
const LongName = 12

// Fold returns name as Hodan compares names: decomposed (NFD) with its
// combining marks (tones, breve, circumflex, horn) dropped, đ and Đ as d,
// in lower case, runs of white space as one space, trimmed. "Bùi Văn
// Thảo", "Bui Van Thao" and "BÙI  VĂN THAO" all fold to "bui van thao",
// whether they arrive precomposed (NFC) or decomposed (NFD). Fold is safe
// for concurrent use.
//
// (A transform.Chain of norm.NFD and runes.Remove does the same, but
// allocates some 8 KB of buffers a call: a third of the time of finding
// a commune's duplicates.)
func Fold(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	space := false
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		default:
			r = unicode.ToLower(r)
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Tolerance is how many edits apart two folded names of lengths m and n
// (in characters) may be and still be alike: 2 when the shorter has at
// least LongName characters, else 1.
func Tolerance(m, n int) int {
	if min(m, n) >= LongName {
		return 2
	}
	return 1
}

// Alike reports whether two folded names are alike: at most Tolerance
// edits apart (see Distance). It returns the distance too, valid when
// alike.
func Alike(a, b []rune) (int, bool) {
	limit := Tolerance(len(a), len(b))
	d := Distance(a, b, limit)
	return d, d <= limit
}

// Distance is the optimal string alignment distance between a and b: the
// fewest insertions, deletions, substitutions and transpositions of two
// adjacent characters that make one the other, no substring edited twice
// (Damerau–Levenshtein in its restricted form). It stops as soon as the
// distance must exceed limit and then returns limit+1; a negative limit
// means no limit.
func Distance(a, b []rune, limit int) int {
	if limit < 0 {
		limit = len(a) + len(b)
	}
	if abs(len(a)-len(b)) > limit {
		return limit + 1
	}
	// Three rows of the dynamic programme: two back (for transpositions),
	// one back and the current one.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			best = min(best, v)
		}
		// Every later cell descends from this row or the one before it
		// (transpositions): when both are past the limit, so is the result.
		if best > limit && minOf(prev) > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], limit+1)
}

func minOf(xs []int) int {
	m := xs[0]
	for _, x := range xs[1:] {
		m = min(m, x)
	}
	return m
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
