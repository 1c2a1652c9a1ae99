package forms

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"

	"hodan/schema"
	"hodan/schema/internal/jsonfiles"
)

//go:embed defs/*.json
var defFiles embed.FS

// Set is a list of forms, by id then version.
type Set []*Form

// embedded are the forms of defFiles, read on first use.
var embedded = jsonfiles.Embedded(func() (Set, error) { return Load(defFiles) })

// All returns the embedded forms, every version. They are shared and must
// not be modified.
func All() Set { return embedded() }

// Load reads and checks every defs/<id>.v<version>.json file of fsys.
func Load(fsys fs.FS) (Set, error) {
	set, err := jsonfiles.Load(fsys, "defs/*.json", "form", checkFile)
	if err != nil {
		return nil, err
	}
	sort.Slice(set, func(i, j int) bool {
		if set[i].ID != set[j].ID {
			return set[i].ID < set[j].ID
		}
		return set[i].Version < set[j].Version
	})
	return set, nil
}

// checkFile checks a form read from the file named base.
func checkFile(f *Form, base string) error {
	if f.Key()+".json" != base {
		return fmt.Errorf("id %q version %d do not match the file name %s (want %s.json)", f.ID, f.Version, base, f.Key())
	}
	return f.check()
}

// Latest returns the newest version of each form, by id.
func (set Set) Latest() []*Form {
	var out []*Form
	for i, f := range set {
		if i+1 == len(set) || set[i+1].ID != f.ID {
			out = append(out, f)
		}
	}
	return out
}

// ByID returns the newest version of form id.
func (set Set) ByID(id string) (*Form, bool) {
	for _, f := range set.Latest() {
		if f.ID == id {
			return f, true
		}
	}
	return nil, false
}

// ByVersion returns version v of form id, as a visit recorded it.
func (set Set) ByVersion(id string, v int) (*Form, bool) {
	for _, f := range set {
		if f.ID == id && f.Version == v {
			return f, true
		}
	}
	return nil, false
}

// targetTables are the tables a form may write, besides its visit.
var targetTables = map[string]bool{"households": true, "visits": true, "support_records": true, "damage_reports": true, "members": true}

// column resolves a "table.column" target to its column, one a person may
// type (not filled by Hodan, not a row's parent).
func column(target string) (*schema.Column, error) {
	q := Question{Target: target}
	t, ok := schema.TableByName(q.Table())
	if !ok || !targetTables[t.Name] {
		return nil, fmt.Errorf("target %q is not in a table a form writes (households, visits, support_records, damage_reports, members)", target)
	}
	c, ok := t.Column(q.Column())
	if !ok {
		return nil, fmt.Errorf("target %q: %s has no column %q", target, t.Name, q.Column())
	}
	if c.Officer || c.Internal || c.Name == t.ParentColumn || c.Name == t.ScopeColumn || (c.Type == schema.Ref && c.Refers == "visits") {
		return nil, fmt.Errorf("target %q is filled by Hodan, not by a form", target)
	}
	return c, nil
}

// Files returns the embedded form files, as defs/<id>.v<version>.json.
func Files() fs.FS { return defFiles }
