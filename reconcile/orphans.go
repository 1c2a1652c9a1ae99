package reconcile

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"hodan/schema"
	"hodan/syncengine"
)

// Why a record is an orphan.
const (
	// ReasonParentDeleted: the household the record belongs to is not
	// alive (the sync engine's orphans, syncengine.DB.Orphans).
	ReasonParentDeleted = "parent_deleted"
	// ReasonVillageDeleted: a shown household whose village is not alive.
	ReasonVillageDeleted = "village_deleted"
	// ReasonMergeTargetDeleted: a household hidden by a merge whose chain
	// of merges ends at a household that is not alive, or a record of it.
	ReasonMergeTargetDeleted = "merge_target_deleted"
)

// Orphan is a live record that no list shows, or that lists show under
// nothing, because what it belongs to is not alive: a member recorded for
// a household another officer deleted meanwhile, a household added to a
// village deleted meanwhile, a household merged into one deleted meanwhile
// and the records still under it. A person settles it (Restore, MoveTo,
// DeleteOrphan); until then it is listed, by every replica alike.
type Orphan struct {
	ID      string           `json:"id"`     // syncengine.OrphanID of Table and Row
	Kind    string           `json:"kind"`   // "orphan", beside conflicts in one list
	Reason  string           `json:"reason"` // Reason…
	Table   string           `json:"table"`
	Row     syncengine.RowID `json:"row_id"`
	Commune string           `json:"commune"`
	// Record names the record for people (see recordName).
	Record string `json:"record"`
	// The household the record belongs to (itself for a household), with
	// its village's name: from its last life if it was deleted.
	HouseholdID     string  `json:"household_id"`
	HeadName        string  `json:"head_name"`
	HouseholdNumber string  `json:"household_number"`
	Village         string  `json:"village"`
	Deleted         Deleted `json:"deleted"`
}

// Deleted is the row whose absence makes an orphan: the parent, the
// village, or the household a chain of merges ends at.
type Deleted struct {
	Table string `json:"table"`
	ID    string `json:"id"` // "" when the record's link names no row
	Name  string `json:"name"`
	// Known is whether this replica holds the row (a deleted one), so that
	// it can be restored.
	Known   bool       `json:"known"`
	Officer string     `json:"officer"` // who deleted it, "" if not known
	Site    string     `json:"site"`    // the device that deleted it, "" if not known
	At      *time.Time `json:"at"`      // when, nil if not known
}

// Orphans lists the orphans of communes (all when empty) in db, the same on
// every replica that holds the same changes: by commune, grouped by what
// was deleted and why (see Groups), then in the order of the tables, then
// by id. officer names the officer of a site, or "".
func Orphans(ctx context.Context, db *syncengine.DB, communes []string, officer func(syncengine.SiteID) string) ([]Orphan, error) {
	engine, err := db.Orphans(ctx, communes)
	if err != nil {
		return nil, err
	}
	hs, err := loadHouseholds(ctx, db.SQL(), communes, true)
	if err != nil {
		return nil, err
	}
	f := &orphanFinder{ctx: ctx, db: db, officer: officer, byID: map[string]*Household{}, listed: map[string]bool{}}
	for _, h := range hs {
		f.byID[h.ID] = h
	}
	if f.villages, err = liveNames(ctx, db.SQL(), "villages", "name", communes); err != nil {
		return nil, err
	}
	for _, o := range engine {
		if err := f.add(o.Table, o.Row, o.Scope, ReasonParentDeleted, o.Parent, nil); err != nil {
			return nil, err
		}
	}
	if err := f.mergeOrphans(hs); err != nil {
		return nil, err
	}
	if err := f.villageOrphans(hs); err != nil {
		return nil, err
	}
	sortOrphans(f.out)
	return f.out, nil
}

// orphanFinder gathers the orphans of one listing.
type orphanFinder struct {
	ctx      context.Context
	db       *syncengine.DB
	officer  func(syncengine.SiteID) string
	byID     map[string]*Household // live households, merged ones too
	villages map[string]string     // live villages' names by id
	listed   map[string]bool       // orphan ids already listed
	out      []Orphan
}

// mergeOrphans lists the households whose chain of merges ends at a
// household that is not alive, and the live records under them: `hodan
// household merge` hides such a household and moves nothing to the end of
// its chain, so nothing else shows them.
func (f *orphanFinder) mergeOrphans(hs []*Household) error {
	for _, h := range hs {
		end := endOfChain(h, f.byID)
		if end.mergedInto == "" || f.byID[end.mergedInto] != nil {
			continue // not merged, or its chain ends at a live household
		}
		gone, err := f.tombstone("households", end.mergedInto)
		if err != nil {
			return err
		}
		if err := f.add("households", h.rowID(), h.Commune, ReasonMergeTargetDeleted, gone, h); err != nil {
			return err
		}
		children, err := childrenOf(f.ctx, f.db.SQL(), h.ID)
		if err != nil {
			return err
		}
		for _, c := range children {
			if err := f.add(c.table, c.id, h.Commune, ReasonMergeTargetDeleted, gone, h); err != nil {
				return err
			}
		}
	}
	return nil
}

// villageOrphans lists the shown households whose village is not alive.
func (f *orphanFinder) villageOrphans(hs []*Household) error {
	for _, h := range hs {
		if _, alive := f.villages[h.VillageID]; alive || h.mergedInto != "" || h.VillageID == "" {
			continue
		}
		gone, err := f.tombstone("villages", h.VillageID)
		if err != nil {
			return err
		}
		if err := f.add("households", h.rowID(), h.Commune, ReasonVillageDeleted, gone, h); err != nil {
			return err
		}
	}
	return nil
}

// tombstone reads the row a link names; a link that is not an id names
// none.
func (f *orphanFinder) tombstone(table, link string) (syncengine.Tombstone, error) {
	id, err := uuid.Parse(link)
	if err != nil {
		return syncengine.Tombstone{Table: table}, nil
	}
	return f.db.Tombstone(f.ctx, table, id)
}

// add lists row of table, which belongs to household (nil: read it from
// the record, or from gone when gone is the household), unless it is
// listed already.
func (f *orphanFinder) add(table string, row syncengine.RowID, commune, reason string, gone syncengine.Tombstone, household *Household) error {
	id := syncengine.OrphanID(table, row)
	if f.listed[id] {
		return nil
	}
	f.listed[id] = true
	values, err := readRecord(f.ctx, f.db.SQL(), table, row)
	if err != nil {
		return err
	}
	o := Orphan{ID: id, Kind: "orphan", Reason: reason, Table: table, Row: row, Commune: commune,
		Record: recordName(table, values), Deleted: f.deleted(gone)}
	switch {
	case household != nil:
		o.HouseholdID, o.HeadName, o.HouseholdNumber = household.ID, household.HeadName, household.HouseholdNumber
		o.Village, err = f.villageName(household.VillageID)
	case gone.Table == "households":
		hv := plain(gone.Values)
		o.HouseholdID, o.HeadName, o.HouseholdNumber = o.Deleted.ID, text(hv["head_name"]), text(hv["household_number"])
		o.Village, err = f.villageName(text(hv["village_id"]))
	}
	f.out = append(f.out, o)
	return err
}

// deleted is what people are told of a row that is not alive.
func (f *orphanFinder) deleted(ts syncengine.Tombstone) Deleted {
	d := Deleted{Table: ts.Table, Known: ts.CL > 0, Name: recordName(ts.Table, plain(ts.Values))}
	if ts.Row != (syncengine.RowID{}) {
		d.ID = ts.Row.String()
	}
	if ts.DeletedBy != (syncengine.SiteID{}) {
		d.Site, d.Officer = ts.DeletedBy.String(), f.officer(ts.DeletedBy)
		at := ts.DeletedAt.Time().UTC()
		d.At = &at
	}
	return d
}

// villageName is the name of a village, live or deleted; "" for none.
func (f *orphanFinder) villageName(id string) (string, error) {
	if name, ok := f.villages[id]; ok || id == "" {
		return name, nil
	}
	gone, err := f.tombstone("villages", id)
	return text(plain(gone.Values)["name"]), err
}

// sortOrphans puts orphans in their listing order: by commune, then what
// was deleted and why (see Groups), then table (parents first), then id.
func sortOrphans(out []Orphan) {
	order := map[string]int{}
	for i, t := range schema.Tables() {
		order[t.Name] = i
	}
	slices.SortFunc(out, func(a, b Orphan) int {
		return cmp.Or(cmp.Compare(a.Commune, b.Commune), cmp.Compare(a.Deleted.Table, b.Deleted.Table),
			cmp.Compare(a.Deleted.ID, b.Deleted.ID), cmp.Compare(a.Reason, b.Reason),
			cmp.Compare(order[a.Table], order[b.Table]), cmp.Compare(a.Row.String(), b.Row.String()))
	})
}

// Groups splits orphans as Orphans lists them into runs that miss the same
// row for the same reason, for a list that names it once.
func Groups(orphans []Orphan) [][]Orphan {
	var out [][]Orphan
	for i, o := range orphans {
		p := Orphan{}
		if i > 0 {
			p = orphans[i-1]
		}
		if i == 0 || o.Commune != p.Commune || o.Reason != p.Reason || o.Deleted.Table != p.Deleted.Table || o.Deleted.ID != p.Deleted.ID {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], o)
	}
	return out
}

// recordNames are the columns that name a record of table for people
// (schema.Table.Names).
func recordNames(table string) []string {
	if t, ok := schema.TableByName(table); ok {
		return t.Names
	}
	return nil
}

// recordName names a record by the values of its recordNames columns that
// are set, dates as dd/mm/yyyy.
func recordName(table string, values map[string]any) string {
	var parts []string
	for _, col := range recordNames(table) {
		s := text(values[col])
		if d, err := time.Parse(time.DateOnly, s); err == nil {
			s = schema.FormatDate(d)
		}
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

// plain is the values of a tombstone as the domain tables hold them.
func plain(values map[string]syncengine.Value) map[string]any {
	out := make(map[string]any, len(values))
	for col, v := range values {
		out[col] = v.Any()
	}
	return out
}

// text is a value as text; "" for none.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}
