package main

import "slices"

// pair is an old commune (before 1 July 2025) and a new one it went into.
type pair struct{ old, new string }

// successions builds the 1 July 2025 mapping. dvhcvn_2025_merges.json is the
// primary source because it states the kind (full or partial) explicitly;
// dvhcvn_2025_splits.json and the pilot file are checked against it.
func successions(src string, old, cur *admin, rep *report) (table, error) {
	merges, err := readMerges(src, old, cur, rep)
	if err != nil {
		return table{}, err
	}
	splits, err := readSplits(src)
	if err != nil {
		return table{}, err
	}
	kinds := reconcile(merges, splits, rep)
	t := table{file: "commune_successions.csv", header: []string{"old_code", "new_code", "kind"}}
	for p, kind := range kinds {
		if !excluded(p, old, cur, rep) {
			t.rows = append(t.rows, []string{p.old, p.new, kind})
		}
	}
	slices.SortFunc(t.rows, byCols(0, 1))
	checkCoverage(t, old, cur, rep)
	if err := checkPilot(src, t, old, cur, rep); err != nil {
		return table{}, err
	}
	return t, nil
}

// excluded reports p and returns true when it does not lead from a 2008
// commune to a 2025 one.
func excluded(p pair, old, cur *admin, rep *report) bool {
	switch {
	case old.commune[p.old] == nil && old.district[p.old]:
		rep.add("successions: old code is a 2008 district without communes, not a commune (excluded)", "%s → %s", p.old, p.new)
	case old.commune[p.old] == nil:
		rep.add("successions: old code is no 2008 commune (excluded)", "%s → %s", p.old, p.new)
	case cur.commune[p.new] == nil:
		rep.add("successions: new code is no 2025 commune (excluded)", "%s → %s", p.old, p.new)
	default:
		return false
	}
	return true
}

// reconcile joins the two directions. A pair found in only one of them is
// kept and reported; its kind is the stated one, or else derived from the
// number of new communes the old one went into. A stated kind that disagrees
// with that number is kept and reported.
func reconcile(merges map[pair]string, splits map[pair]bool, rep *report) map[pair]string {
	all := map[pair]bool{}
	for p := range splits {
		all[p] = true
	}
	for p := range merges {
		all[p] = true
	}
	succ := map[string]int{}
	for p := range all {
		succ[p.old]++
	}
	kinds := map[pair]string{}
	for p := range all {
		kinds[p] = reconcileKind(p, merges, splits, succ[p.old], rep)
	}
	return kinds
}

// reconcileKind returns the kind of p, an old commune with n successors, and
// reports where merges and splits disagree about it.
func reconcileKind(p pair, merges map[pair]string, splits map[pair]bool, n int, rep *report) string {
	derived := "full"
	if n > 1 {
		derived = "partial"
	}
	stated, inMerges := merges[p]
	switch {
	case !inMerges:
		rep.add("splits only, not in merges (kept, kind derived)", "%s → %s %s", p.old, p.new, derived)
		return derived
	case !splits[p]:
		rep.add("merges only, not in splits (kept)", "%s → %s %s", p.old, p.new, stated)
	case stated != derived:
		rep.add("kind in merges disagrees with number of successors in splits (kept merges)", "%s → %s %s, %d successors", p.old, p.new, stated, n)
	}
	return stated
}
