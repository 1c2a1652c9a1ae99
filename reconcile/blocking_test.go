package reconcile

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestBlockingMissesNothing checks that the blocked comparison finds
// exactly the pairs that comparing every household with every other finds.
func TestBlockingMissesNothing(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, seed))
		var cs []*candidate
		for i := range 300 {
			cs = append(cs, newCandidate(randomHousehold(rng, i)))
		}
		got := appendCommunePairs([]Pair{}, cs)
		want := []Pair{}
		for i, x := range cs {
			for _, y := range cs[i+1:] {
				want = appendIfAlike(want, x, y)
			}
		}
		sortPairs(got)
		sortPairs(want)
		if len(want) == 0 {
			t.Fatalf("seed %d: no pairs at all; the test proves nothing", seed)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: blocked comparison found %d pairs, comparing all %d", seed, len(got), len(want))
		}
	}
}

// randomHousehold makes households of one commune with few names, so that
// many are alike: years sometimes unknown, villages sometimes unset.
func randomHousehold(rng *rand.Rand, i int) *Household {
	given := []string{"Thao", "Thảo", "Thanh", "Thành", "Ba", "Bảo", "Hải", "Mai", "Mia", "Hoa", "Lan", "Nam"}
	name := pick(rng, []string{"Bùi", "Bui", "Lò", "Hà"}) + " " + pick(rng, []string{"Văn", "Van", "Thị"}) + " " + pick(rng, given)
	h := &Household{ID: fmt.Sprintf("h%04d", i), Commune: "05362", HeadName: name}
	if rng.IntN(5) > 0 {
		y := 1950 + rng.IntN(30)
		h.HeadBirthYear = &y
	}
	if rng.IntN(3) > 0 {
		h.VillageID = pick(rng, []string{"v1", "v2"})
	}
	return h
}

func pick(rng *rand.Rand, xs []string) string { return xs[rng.IntN(len(xs))] }

func TestRoots(t *testing.T) {
	hs := []*Household{
		{ID: "a"}, {ID: "b", mergedInto: "a"}, {ID: "c", mergedInto: "b"}, // chain to a
		{ID: "e", mergedInto: "d"}, {ID: "d", mergedInto: "f"}, {ID: "f", mergedInto: "e"}, // cycle: d stays
		{ID: "g", mergedInto: "gone"}, // into a household since deleted
	}
	got := map[string]string{}
	for id, h := range roots(hs) {
		got[id] = h.ID
	}
	want := map[string]string{"a": "a", "b": "a", "c": "a", "d": "d", "e": "d", "f": "d", "g": "g"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("roots = %v, want %v", got, want)
	}
}
