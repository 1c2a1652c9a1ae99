package ops

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"hodan/schema"
	"hodan/syncengine"
)

// MinPrefix is the shortest beginning of a record's id an operation takes
// for the id. Ids are UUIDv7, time-ordered: ids made in the same minute
// share their first 8 characters, so a shorter prefix names a record only
// while few are on the laptop, and after the next sync may name another.
const MinPrefix = 8

// Querier reads rows: the database (*sql.DB) or a write transaction,
// which sees its own writes.
type Querier interface {
	Query(query string, args ...any) (*sql.Rows, error)
}

var (
	_ Querier = (*sql.DB)(nil)
	_ Querier = (*syncengine.Tx)(nil)
)

// ResolveID finds the record of t whose id is s or begins with s (of
// MinPrefix characters or more, in either case), or, for a table whose
// records have names (villages, households by their head, members), whose
// name is s as people type it (see idsNamed). Every operation that takes a
// record as a person typed it reads it here. An s that fits several
// records is refused, naming them.
func ResolveID(q Querier, t *schema.Table, s string) (syncengine.RowID, error) {
	p := strings.ToLower(strings.TrimSpace(s))
	if id, err := uuid.Parse(p); err == nil && len(p) == 36 {
		return id, nil
	}
	// What looks like an id (hex digits and dashes, a digit among them) is
	// read as one; anything else as a name.
	idLike := strings.Trim(p, "0123456789abcdef-") == "" && strings.ContainsAny(p, "0123456789")
	switch {
	case idLike && len(p) >= MinPrefix:
		found, err := idsBeginning(q, t, p)
		if err != nil {
			return syncengine.RowID{}, err
		}
		return oneOf(t, s, found, "error.no_such_row", "input.id_ambiguous")
	case !idLike && t.NameColumn != "" && fold(s) != "":
		found, err := idsNamed(q, t, s)
		if err != nil {
			return syncengine.RowID{}, err
		}
		return oneOf(t, s, found, "input.no_such_name", "input.name_ambiguous")
	}
	return syncengine.RowID{}, fail("input.id_prefix", s, Noun(t.Noun), MinPrefix, t.Noun)
}

// oneOf is the one record of found, or an error of key none or key several
// naming what s could mean.
func oneOf(t *schema.Table, s string, found []candidate, none, several string) (syncengine.RowID, error) {
	switch len(found) {
	case 0:
		return syncengine.RowID{}, fail(none, Noun(t.Noun), s, t.Noun)
	case 1:
		return uuid.Parse(found[0].id)
	}
	var names []string
	for _, c := range found[:min(len(found), maxCandidates)] {
		names = append(names, c.id+" "+SafeText(c.name))
	}
	if len(found) > maxCandidates {
		names = append(names, "…")
	}
	return syncengine.RowID{}, fail(several, s, Noun(t.Noun), strings.Join(names, "; "))
}

// idsNamed lists the live records of t whose name (t.NameColumn) is s as
// people type it: letter case, accents and punctuation aside ("ban lac" is
// Bản Lác), one more than maxCandidates at most; not a household merged
// into another.
func idsNamed(q Querier, t *schema.Table, s string) ([]candidate, error) {
	where := ""
	if _, ok := t.Column(schema.ColMergedInto); ok {
		where = " WHERE x." + schema.ColMergedInto + " IS NULL" // a merged household is known by the one it went into
	}
	rows, err := q.Query(fmt.Sprintf(`SELECT id, COALESCE(x.%s, ''), COALESCE(%s, '') FROM %s x%s ORDER BY id`, t.NameColumn, recordNameSQL(t), t.Name, where))
	if err != nil {
		return nil, fail("error.read_table", t.Name, err)
	}
	defer rows.Close()
	want := fold(s)
	var out []candidate
	for rows.Next() {
		var c candidate
		var name string
		if err := rows.Scan(&c.id, &name, &c.name); err != nil {
			return nil, fail("error.read_table", t.Name, err)
		}
		if fold(name) == want && len(out) <= maxCandidates {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}

// maxCandidates is how many records an ambiguous prefix names.
const maxCandidates = 8

// candidate is a record an id prefix may name, with its name for people.
type candidate struct{ id, name string }

// idsBeginning lists the records of t whose ids begin with p, and one
// more than maxCandidates at most.
func idsBeginning(q Querier, t *schema.Table, p string) ([]candidate, error) {
	// Ids hold 0-9, a-f and '-', all below '~': the ids that begin with p
	// are those from p up to p+"~", a range of the primary key.
	rows, err := q.Query(fmt.Sprintf(`SELECT id, COALESCE(%s, '') FROM %s x WHERE id >= ? AND id < ? ORDER BY id LIMIT ?`, recordNameSQL(t), t.Name),
		p, p+"~", maxCandidates+1)
	if err != nil {
		return nil, fail("error.read_table", t.Name, err)
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.id, &c.name); err != nil {
			return nil, fail("error.read_table", t.Name, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// recordNameSQL is the SQL of a record of t (as x) by which people know
// it: the name of a household's head, a member, a village; for a visit, a
// support or damage record, its household's head and what it is.
func recordNameSQL(t *schema.Table) string {
	if col := t.NameColumn; col != "" {
		return "x." + col
	}
	what := "''"
	for _, col := range t.Summary {
		if col != t.ParentColumn {
			what = "x." + col
			break
		}
	}
	return fmt.Sprintf("(SELECT %s FROM %s h WHERE h.id = x.%s) || ' · ' || COALESCE(%s, '')",
		schema.ColHeadName, schema.Households.Name, t.ParentColumn, what)
}

// ResolveRefs replaces, in values, every reference typed as an id prefix
// by the whole id it names.
func ResolveRefs(q Querier, t *schema.Table, values map[string]any) error {
	for _, c := range t.Columns {
		s, ok := values[c.Name].(string)
		if c.Type != schema.Ref || !ok {
			continue
		}
		refers, _ := schema.TableByName(c.Refers) // the schema's tests check every Refers
		id, err := ResolveID(q, refers, s)
		if err != nil {
			return err
		}
		values[c.Name] = id.String()
	}
	return nil
}
