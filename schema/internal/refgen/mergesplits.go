package main

import (
	"fmt"
	"path/filepath"
)

type mergesFile struct {
	Data []struct {
		ID      string `json:"level1_id"`
		Level2s []struct {
			ID     string `json:"level2_id"`
			Name   string `json:"name"`
			Merges []struct {
				OldID string `json:"old_id"`
				Name  string `json:"name"`
				Type  string `json:"type"`
			} `json:"merges"`
		} `json:"level2s"`
	} `json:"data"`
}

// splitsUnit is an old unit and the new communes it went into. Its names are
// not used: they are not in Unicode NFC and carry stray spaces.
type splitsUnit struct {
	Splits []struct {
		NewID string `json:"new_id"`
	} `json:"splits"`
}

type splitsFile struct {
	Data []struct {
		Level2s []struct {
			ID string `json:"level2_id"`
			splitsUnit
		} `json:"level2s"`
		Level3s []struct {
			ID string `json:"level3_id"`
			splitsUnit
		} `json:"level3s"`
	} `json:"data"`
}

// readMerges reads new → old with the kind, and checks the names and the new
// province against the other sources.
func readMerges(src string, old, cur *admin, rep *report) (map[pair]string, error) {
	var f mergesFile
	if err := readJSON(filepath.Join(src, "dvhcvn_2025_merges.json"), &f); err != nil {
		return nil, err
	}
	kinds := map[pair]string{}
	for _, p := range f.Data {
		for _, n := range p.Level2s {
			if c := cur.commune[n.ID]; c != nil && (c[1] != clean(n.Name) || c[3] != p.ID) {
				rep.add("merges: new commune differs from CV 1027 (kept CV 1027)", "%s %q in %s, CV 1027: %q in %s", n.ID, n.Name, p.ID, c[1], c[3])
			}
			for _, m := range n.Merges {
				if m.Type != "full" && m.Type != "partial" {
					return nil, fmt.Errorf("merges: %s → %s: unknown type %q", m.OldID, n.ID, m.Type)
				}
				if c := old.commune[m.OldID]; c != nil && c[1] != clean(m.Name) {
					rep.add("merges: old commune name differs from dvhcvn 01/03/2025 (kept the latter)", "%s %q, %q", m.OldID, m.Name, c[1])
				}
				if _, dup := kinds[pair{m.OldID, n.ID}]; dup {
					rep.add("merges: repeated pair", "%s → %s", m.OldID, n.ID)
				}
				kinds[pair{m.OldID, n.ID}] = m.Type
			}
		}
	}
	return kinds, nil
}

// readSplits reads old → new, districts (level2s) included: five island
// districts had no communes and became special zones (đặc khu).
func readSplits(src string) (map[pair]bool, error) {
	var f splitsFile
	if err := readJSON(filepath.Join(src, "dvhcvn_2025_splits.json"), &f); err != nil {
		return nil, err
	}
	pairs := map[pair]bool{}
	add := func(old string, u splitsUnit) {
		for _, s := range u.Splits {
			pairs[pair{old, s.NewID}] = true
		}
	}
	for _, p := range f.Data {
		for _, d := range p.Level2s {
			add(d.ID, d.splitsUnit)
		}
		for _, c := range p.Level3s {
			add(c.ID, c.splitsUnit)
		}
	}
	return pairs, nil
}
