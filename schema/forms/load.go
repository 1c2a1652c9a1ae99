package forms

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"hodan/schema"
)

//go:embed defs/*.json
var defFiles embed.FS

// Set is a list of forms, by id then version.
type Set []*Form

var embedded = mustLoad(defFiles)

func mustLoad(fsys fs.FS) Set {
	set, err := Load(fsys)
	if err != nil {
		panic(err) // the embedded files are checked by the package's tests
	}
	return set
}

// All returns the embedded forms, every version. They are shared and must
// not be modified.
func All() Set { return embedded }

// Load reads and checks every defs/<id>.v<version>.json file of fsys.
func Load(fsys fs.FS) (Set, error) {
	names, err := fs.Glob(fsys, "defs/*.json")
	if err != nil {
		return nil, fmt.Errorf("list forms: %w", err)
	}
	var set Set
	for _, name := range names {
		f, err := loadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("form %s: %w", path.Base(name), err)
		}
		set = append(set, f)
	}
	sort.Slice(set, func(i, j int) bool {
		if set[i].ID != set[j].ID {
			return set[i].ID < set[j].ID
		}
		return set[i].Version < set[j].Version
	})
	return set, nil
}

func loadFile(fsys fs.FS, name string) (*Form, error) {
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	var f Form
	if err := json.Unmarshal(body, &f); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if want := path.Base(name); f.Key()+".json" != want {
		return nil, fmt.Errorf("id %q version %d do not match the file name %s (want %s.json)", f.ID, f.Version, want, f.Key())
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	return &f, nil
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
