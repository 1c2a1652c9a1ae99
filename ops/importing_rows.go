package ops

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"hodan/internal/i18n"
	"hodan/schema"
	"hodan/syncengine"
)

// householdImporter checks the rows of a commune's household list against
// the schema and against what the replica already holds, before anything
// is written.
type householdImporter struct {
	lang           i18n.Lang // the reasons are said in it
	t              *schema.Table
	who            Actor
	commune        string // --commune, for a file without a commune column
	createVillages bool
	today          string

	villages    map[string]map[string][]string // commune, village key: ids
	villageList map[string][]string            // commune: village names, for messages
	newVillages map[string]map[string]string   // commune, village key: name to create
	existing    existingHouseholds
	seenNumber  map[string]int // commune|number: line
	seenPerson  map[string]int // commune|name|year|village: line
	choices     map[string]map[string]string
}

// importRow is a row that passed every check, ready to write.
type importRow struct {
	line       int
	values     map[string]any
	newVillage string // the key of a village to create first, in the row's commune
}

// RowProblem is a cell, or a row, that cannot be imported, and why, in
// the language of the import.
type RowProblem struct {
	Line   int    `json:"line"`
	Column string `json:"column"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

// PresentRow is a row whose household this replica already holds.
type PresentRow struct {
	Line     int    `json:"line"`
	HeadName string `json:"head_name"`
	ID       string `json:"id"`
}

// T says message key with args in the import's language.
func (im *householdImporter) T(key string, args ...any) string { return i18n.T(im.lang, key, args...) }

// rowResult is what checking one row found.
type rowResult struct {
	row      *importRow
	problems []RowProblem
	present  *PresentRow
}

// check checks one row of the file under header h.
func (im *householdImporter) check(r sheetRow, h headerMatch) rowResult {
	res := rowResult{}
	bad := func(idx int, name, value, reason string) {
		res.problems = append(res.problems, RowProblem{Line: r.line, Column: im.header(h, idx, name), Value: value, Reason: reason})
	}
	values := map[string]any{}
	byName := map[string]int{}
	for idx, name := range h.columns {
		byName[name] = idx
	}
	commune, ok := im.rowCommune(r, byName)
	if !ok {
		idx, has := byName["commune_code"]
		if !has {
			idx = -1
		}
		bad(idx, "commune_code", r.cellAt(idx).text, im.T("import.reason.commune", im.who.communeList()))
		return res
	}
	values["commune_code"] = commune
	row := &importRow{line: r.line, values: values}
	var rowID string
	marks := map[string]string{}
	for _, idx := range slices.Sorted(maps.Keys(h.columns)) {
		name, x := h.columns[idx], r.cellAt(idx)
		if x.text == "" {
			continue
		}
		switch name {
		case colIgnore:
		case colRowID:
			rowID = x.text
		case colPoorMark, colNearMark:
			if err := im.mark(name, x.text, marks); err != "" {
				bad(idx, name, x.text, err)
			}
		case "commune_code":
		case "village_id":
			if reason := im.village(commune, x.text, row); reason != "" {
				bad(idx, name, x.text, reason)
			}
		default:
			c, _ := im.t.Column(name)
			v, reason := im.parse(c, x)
			if reason != "" {
				bad(idx, name, x.text, reason)
				continue
			}
			values[name] = v
		}
	}
	if len(marks) > 1 {
		bad(byName[colPoorMark], colPoorMark, "", im.T("import.reason.two_marks"))
	} else if values["poverty_status"] == nil {
		for status := range marks {
			values["poverty_status"] = status
		}
	}
	if len(res.problems) > 0 {
		return res
	}
	if err := im.checkInsert(values); err != nil {
		var se *schema.Error
		name := ""
		if errors.As(err, &se) {
			name = se.Column
		}
		c, _ := im.t.Column(name)
		idx, has := byName[name]
		if !has {
			idx = -1
		}
		bad(idx, name, r.cellAt(idx).text, im.reason(c, err))
		return res
	}
	res.present, res.problems = im.duplicate(r.line, rowID, row)
	if res.present == nil && len(res.problems) == 0 {
		res.row = row
	}
	return res
}

// checkInsert fills the defaults an officer need not type and checks the
// row as `hodan household add` would.
func (im *householdImporter) checkInsert(values map[string]any) error {
	if err := ApplyDefaults(im.who, im.t, values, im.today); err != nil {
		return err
	}
	village := values["village_id"]
	if village == nil {
		return im.t.CheckInsert(values)
	}
	// A village still to create has no id yet: check the rest.
	values["village_id"] = "00000000-0000-0000-0000-000000000000"
	err := im.t.CheckInsert(values)
	values["village_id"] = village
	return err
}

// header is the header of column idx as the file writes it, or the
// column's label when the file has no such column.
func (im *householdImporter) header(h headerMatch, idx int, name string) string {
	if text, ok := h.headers[idx]; ok {
		return text
	}
	if c, ok := im.t.Column(name); ok {
		return c.Label
	}
	return name
}

// rowCommune is the commune of a row: its commune column (a code, or the
// name of one of the actor's communes), else the commune the import was
// given, else the actor's only commune.
func (im *householdImporter) rowCommune(r sheetRow, byName map[string]int) (string, bool) {
	if idx, ok := byName["commune_code"]; ok {
		if text := r.cellAt(idx).text; text != "" {
			for _, code := range im.who.Communes {
				if c, _ := schema.CommuneByCode(code); text == code || (c.Name != "" && villageKey(c.Name) == villageKey(text)) {
					return code, true
				}
			}
			return "", false
		}
	}
	if im.commune != "" {
		return im.commune, true
	}
	if len(im.who.Communes) == 1 {
		return im.who.Communes[0], true
	}
	return "", false
}

// mark reads a "Hộ nghèo" or "Hộ cận nghèo" column marked with an x.
func (im *householdImporter) mark(name, text string, marks map[string]string) string {
	yes, err := (&schema.Column{Name: name, Type: schema.Bool}).Parse(text)
	if err != nil {
		return im.T("import.reason.bool")
	}
	if yes == int64(1) {
		status := map[string]string{colPoorMark: "poor", colNearMark: "near_poor"}[name]
		marks[status] = name
	}
	return ""
}

// village finds the village a row names in its commune, or plans to
// create it: with --create-villages, or when the laptop holds no village
// of that commune yet (its first list).
func (im *householdImporter) village(commune, name string, row *importRow) string {
	key := villageKey(name)
	switch ids := im.villages[commune][key]; len(ids) {
	case 1:
		row.values["village_id"] = ids[0]
		return ""
	case 0:
	default:
		return im.T("import.reason.village_ambiguous", len(ids))
	}
	// A commune this laptop holds no village of yet takes its villages
	// from its first list; once it has some, a name the list spells
	// otherwise is more likely a typo than a new village.
	if !im.createVillages && len(im.villageList[commune]) > 0 {
		return im.T("import.reason.village", im.knownVillages(commune), name)
	}
	if col, _ := schema.Villages.Column(schema.ColName); col.Check(name) != nil {
		return im.reason(col, col.Check(name))
	}
	if im.newVillages[commune] == nil {
		im.newVillages[commune] = map[string]string{}
	}
	if _, ok := im.newVillages[commune][key]; !ok {
		im.newVillages[commune][key] = name
	}
	row.newVillage = key
	row.values["village_id"] = "new:" + key
	return ""
}

// knownVillages names a commune's villages for a message.
func (im *householdImporter) knownVillages(commune string) string {
	names := append([]string(nil), im.villageList[commune]...)
	if len(names) == 0 {
		return im.T("import.none")
	}
	sort.Strings(names)
	if len(names) > 12 {
		names = append(names[:12], "…")
	}
	return strings.Join(names, ", ")
}

// parse reads one cell of column c: a year from a date of birth, an ethnic
// group by name, an enumeration by its label, a phone number Excel stored
// as a number; anything else as `hodan household add` reads it.
func (im *householdImporter) parse(c *schema.Column, x cell) (any, string) {
	text := x.text
	var v any
	var err error
	switch {
	case c.Name == "head_birth_year" && (x.date || strings.ContainsAny(text, "/-")):
		d, ok := cellDate(x)
		if !ok {
			return nil, im.T("import.reason.date")
		}
		v = int64(d.Year())
	case c.Code == schema.CodeEthnicGroup:
		code, ok := ethnicLookup().code(text)
		if !ok {
			return nil, im.T("import.reason.ethnic")
		}
		v = code
	case len(c.Enum) > 0:
		value, ok := im.choices[c.Name][fold(text)]
		if !ok {
			return nil, im.reason(c, nil)
		}
		v = value
	case c.Type == schema.Date:
		d, ok := cellDate(x)
		if !ok {
			return nil, im.reason(c, nil)
		}
		v = d.Format(time.DateOnly)
	case c.Name == "phone":
		v = phoneNumber(text)
	case c.Type == schema.Integer || c.Type == schema.Real:
		v, err = cellNumber(c, x)
	default:
		v, err = c.Parse(text)
	}
	if err == nil {
		err = c.Check(v)
	}
	if err != nil {
		return nil, im.reason(c, err)
	}
	return v, ""
}

// phoneNumber puts back the leading 0 Excel drops from a phone number
// typed into a number cell (912345678 is 0912345678).
func phoneNumber(s string) string {
	if _, err := strconv.ParseUint(s, 10, 64); err == nil && !strings.HasPrefix(s, "0") && (len(s) == 9 || len(s) == 10) {
		return "0" + s
	}
	return s
}

// duplicate finds a row the replica already holds, or one the file has
// twice. A household number already used by another head is a problem,
// not a duplicate: one of the two is wrong.
func (im *householdImporter) duplicate(line int, rowID string, row *importRow) (*PresentRow, []RowProblem) {
	v := row.values
	commune, name := v["commune_code"].(string), v["head_name"].(string)
	if h, ok := im.existing.byID[rowID]; ok && rowID != "" {
		return &PresentRow{Line: line, HeadName: name, ID: h.id}, nil
	}
	number, _ := v["household_number"].(string)
	numberCol, _ := im.t.Column("household_number")
	if number != "" {
		key := commune + "|" + fold(number)
		if h, ok := im.existing.byNumber[key]; ok {
			if fold(h.name) == fold(name) {
				return &PresentRow{Line: line, HeadName: name, ID: h.id}, nil
			}
			return nil, []RowProblem{{Line: line, Column: numberCol.Label, Value: number, Reason: im.T("import.reason.number_taken", SafeText(h.name), h.id)}}
		}
		if prev, ok := im.seenNumber[key]; ok {
			return nil, []RowProblem{{Line: line, Column: numberCol.Label, Value: number, Reason: im.T("import.reason.number_twice", prev)}}
		}
		im.seenNumber[key] = line
	}
	year, _ := v["head_birth_year"].(int64)
	if year == 0 {
		return nil, nil
	}
	village, _ := v["village_id"].(string)
	key := personKey(commune, name, year, village)
	if h, ok := im.existing.byPerson[key]; ok {
		return &PresentRow{Line: line, HeadName: name, ID: h.id}, nil
	}
	if prev, ok := im.seenPerson[key]; ok {
		nameCol, _ := im.t.Column("head_name")
		return nil, []RowProblem{{Line: line, Column: nameCol.Label, Value: name, Reason: im.T("import.reason.person_twice", prev)}}
	}
	im.seenPerson[key] = line
	return nil, nil
}

// write inserts the villages to create and the rows in the import's one
// transaction: a crash, a power cut or an error on any row leaves nothing
// of the import, and running it again starts clean.
func (im *householdImporter) write(tx *syncengine.Tx, rows []*importRow, p *phase) error {
	villages := schema.Villages
	created := map[string]string{} // commune|key: id
	for _, commune := range slices.Sorted(maps.Keys(im.newVillages)) {
		for _, key := range slices.Sorted(maps.Keys(im.newVillages[commune])) {
			values := map[string]any{"commune_code": commune, "name": im.newVillages[commune][key]}
			if err := villages.CheckInsert(values); err != nil {
				return err
			}
			id, err := tx.Insert("villages", values)
			if err != nil {
				return fmt.Errorf("create village %s: %w", values["name"], err)
			}
			created[commune+"|"+key] = id.String()
		}
	}
	for _, r := range rows {
		commune := r.values["commune_code"].(string)
		if r.newVillage != "" {
			r.values["village_id"] = created[commune+"|"+r.newVillage]
		}
		if err := CheckRefs(tx, im.t, r.values, commune); err != nil {
			return fmt.Errorf("line %d: %w", r.line, err)
		}
		if _, err := tx.Insert(im.t.Name, r.values); err != nil {
			return fmt.Errorf("line %d: %w", r.line, err)
		}
		p.add(1)
	}
	return nil
}

// newVillageNames lists the villages the import creates, "name (commune)".
func (im *householdImporter) newVillageNames() []string {
	var out []string
	for _, commune := range slices.Sorted(maps.Keys(im.newVillages)) {
		for _, key := range slices.Sorted(maps.Keys(im.newVillages[commune])) {
			out = append(out, fmt.Sprintf("%s (%s)", im.newVillages[commune][key], commune))
		}
	}
	return out
}
