package audit

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"

	"hodan/schema"
	"hodan/syncengine"
)

// Change is one write in a household's history: what was written, when,
// by whom, what it displaced, and how it fared.
type Change struct {
	Seq      uint64            `json:"seq"` // its entry in the server's log
	Table    string            `json:"table"`
	Row      syncengine.RowID  `json:"row"`
	Column   string            `json:"column"` // "" for the row's existence
	Value    syncengine.Value  `json:"value"`
	HLC      syncengine.HLC    `json:"hlc"`
	Base     syncengine.HLC    `json:"base,omitempty"`     // the stamp of the value its writer saw
	Written  int64             `json:"written"`            // Unix ms, the writer's clock
	Received int64             `json:"received,omitempty"` // Unix ms, the server's clock; 0: no receipt
	Officer  string            `json:"officer,omitempty"`
	Device   syncengine.SiteID `json:"device"` // the replica that wrote it
	Batch    uint64            `json:"batch,omitempty"`
	// Replaced is the value this write displaced in the merged order
	// (nil: the first write of the cell, or a row-existence change).
	Replaced *syncengine.Value `json:"replaced,omitempty"`
	// Outcome: "current" (the value now), "overwritten" (by a write made
	// after seeing it), "lost_conflict" (overwritten by a concurrent write,
	// made without seeing it), or for the row: "created", "deleted",
	// "restored".
	Outcome string `json:"outcome"`
	// Over is, for a write that won or lost a conflict, the other side's
	// entry in the log.
	Over uint64 `json:"conflict_with,omitempty"`
}

// HistoryQuery says whose history to read.
type HistoryQuery struct {
	Household syncengine.RowID
	Column    string // only this column ("" for all)
}

// History reads, from the export open returns (twice: once to find the
// household's members, visits, support and damage records, once to read
// their changes), every change to the household and its records, verifying
// the log each time. Changes come in the order they were written (HLC),
// each with what it displaced and whether it lost a conflict. Its memory
// holds the household's changes, not the log's.
func History(open func() (io.ReadCloser, error), opts Options, q HistoryQuery) ([]Change, error) {
	rows, err := householdRows(open, opts, q.Household)
	if err != nil {
		return nil, err
	}
	var out []Change
	raw := map[uint64]syncengine.Change{}
	err = walkFile(open, opts, func(e *Entry) error {
		c := &e.Change
		if !rows[rowKey{c.Table, c.Row}] || (q.Column != "" && c.Column != q.Column && !c.IsExists()) {
			return nil
		}
		h := Change{Seq: e.Seq, Table: c.Table, Row: c.Row, Column: c.Column, Value: c.Value, HLC: c.HLC,
			Base: c.Base, Written: c.HLC.Millis(), Device: c.Site}
		if e.Receipt != nil {
			h.Received, h.Officer, h.Batch = e.Receipt.Received, e.Receipt.Officer, e.Receipt.Batch
		}
		out = append(out, h)
		raw[e.Seq] = *c
		return nil
	})
	if err != nil {
		return nil, err
	}
	settle(out, raw)
	return out, nil
}

type rowKey struct {
	table string
	row   syncengine.RowID
}

// householdRows finds the household's row and the rows of every table that
// refer to it (members, visits, support, damage).
func householdRows(open func() (io.ReadCloser, error), opts Options, id syncengine.RowID) (map[rowKey]bool, error) {
	refs := map[string]string{} // table -> its column referring to households
	for _, t := range schema.Tables() {
		for _, c := range t.Columns {
			if c.Type == schema.Ref && c.Refers == "households" && t.Name != "households" {
				refs[t.Name] = c.Name
			}
		}
	}
	rows := map[rowKey]bool{{"households", id}: true}
	want := id.String()
	err := walkFile(open, opts, func(e *Entry) error {
		c := &e.Change
		if col, ok := refs[c.Table]; ok && c.Column == col && c.Value.Kind() == syncengine.KindText && c.Value.String() == want {
			rows[rowKey{c.Table, c.Row}] = true
		}
		return nil
	})
	return rows, err
}

// walkFile walks one opening of the export.
func walkFile(open func() (io.ReadCloser, error), opts Options, fn func(*Entry) error) error {
	f, err := open()
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = Walk(f, opts, fn)
	return err
}

// settle works out, cell by cell, what each write displaced and how it
// fared, then puts the changes in the order they were written. A cell's
// writes are ranked in the merge's version order; a write displaced by the
// next one, whose writer had not seen it, lost a conflict, by the rule
// conflicts are listed by (syncengine.Conflicting).
func settle(changes []Change, raw map[uint64]syncengine.Change) {
	bySeq := map[uint64]*Change{}
	cells := map[string][]syncengine.Change{}
	for i := range changes {
		c := &changes[i]
		bySeq[c.Seq] = c
		if c.Column == syncengine.ExistsColumn {
			c.Outcome = syncengine.RowOutcome(raw[c.Seq].CL)
			continue
		}
		key := fmt.Sprintf("%s\x00%s\x00%s", c.Table, c.Row, c.Column)
		cells[key] = append(cells[key], raw[c.Seq])
	}
	seqOf := map[syncengine.SiteID]map[uint64]uint64{} // origin, origin seq -> log seq
	for seq, c := range raw {
		if seqOf[c.Site] == nil {
			seqOf[c.Site] = map[uint64]uint64{}
		}
		seqOf[c.Site][c.Seq] = seq
	}
	for _, cell := range cells {
		steps := syncengine.CellHistory(cell)
		entry := func(c *syncengine.Change) *Change { return bySeq[seqOf[c.Site][c.Seq]] }
		for _, st := range steps {
			h := entry(&st.Change)
			h.Replaced, h.Outcome = st.Replaced, st.Outcome
			if st.Over >= 0 {
				h.Over = entry(&steps[st.Over].Change).Seq
			}
		}
	}
	// Writes with one stamp are ordered as the merge orders them (then by
	// site), so that each write's Replaced is the write before it.
	slices.SortStableFunc(changes, func(a, b Change) int {
		if c := cmp.Compare(a.HLC, b.HLC); c != 0 {
			return c
		}
		if c := bytes.Compare(a.Device[:], b.Device[:]); c != 0 {
			return c
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
}
