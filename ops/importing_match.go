package ops

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"hodan/reconcile"
	"hodan/schema"
)

// fold is text as import compares it: reconcile.Fold (lower case, no
// diacritics, đ is d, single spaces) with punctuation as spaces too:
// "Thôn/bản" and "THON, BAN" fold alike.
func fold(s string) string {
	return reconcile.Fold(strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			return r
		}
		return ' '
	}, s))
}

// Special headers: columns a commune's list has that are no column of
// the table but say something import reads.
const (
	colIgnore   = "-"         // a row number (STT): known, not imported
	colRowID    = "id"        // a row id from hodan export: finds a household already here
	colPoorMark = "+poor"     // "Hộ nghèo" with an x for the poor households
	colNearMark = "+nearpoor" // "Hộ cận nghèo" with an x
)

// householdHeaders are the headers communes write for household columns,
// folded, besides each column's label and name.
var householdHeaders = map[string]string{
	"stt": colIgnore, "tt": colIgnore, "so tt": colIgnore, "so thu tu": colIgnore,
	"id":               colRowID,
	"ho va ten chu ho": "head_name", "ho ten chu ho": "head_name", "chu ho": "head_name",
	"ten chu ho": "head_name", "ho va ten": "head_name", "ho ten": "head_name",
	"nam sinh": "head_birth_year", "nam sinh chu ho": "head_birth_year", "ngay sinh": "head_birth_year",
	"ngay thang nam sinh": "head_birth_year",
	"gioi tinh":           "head_sex", "nam nu": "head_sex",
	"dan toc": "ethnicity_code", "ma dan toc": "ethnicity_code", "dan toc chu ho": "ethnicity_code",
	"thon": "village_id", "ban": "village_id", "thon ban": "village_id", "xom": "village_id",
	"to dan pho": "village_id", "thon to": "village_id", "thon xom": "village_id", "ten thon": "village_id",
	"so ho": "household_number", "ma ho": "household_number", "ma so ho": "household_number",
	"so dien thoai": "phone", "dien thoai": "phone", "sdt": "phone", "dt": "phone",
	"dia chi":      "address",
	"phan loai ho": "poverty_status", "phan loai": "poverty_status", "loai ho": "poverty_status",
	"ket qua ra soat": "poverty_status",
	"ho ngheo":        colPoorMark, "ho can ngheo": colNearMark,
	"ma xa": "commune_code", "xa": "commune_code", "xa phuong": "commune_code",
}

// headerMatch maps a file's header cells to columns of t: index of the
// cell to column name (or a special header). unknown lists headers that
// name nothing import knows, in file order.
type headerMatch struct {
	columns map[int]string
	headers map[int]string // the header text as the file writes it
	unknown []string
}

// matchHeader reads a header row against t's columns and the headers
// communes use. A column that only Hodan writes (the officer, a merge) is
// reported as unknown: import does not set it.
func matchHeader(t *schema.Table, aliases map[string]string, row sheetRow) headerMatch {
	known := map[string]string{}
	for _, c := range t.Columns {
		if c.Officer || c.Internal {
			continue
		}
		known[fold(c.Label)] = c.Name
		known[fold(c.Name)] = c.Name
	}
	for k, v := range aliases {
		known[k] = v
	}
	m := headerMatch{columns: map[int]string{}, headers: map[int]string{}}
	taken := map[string]bool{}
	for i, c := range row.cells {
		if c.text == "" {
			continue
		}
		m.headers[i] = c.text
		name, ok := known[fold(c.text)]
		if !ok {
			name, ok = known[fold(withoutParens(c.text))]
		}
		if !ok || (taken[name] && name != colIgnore) {
			m.unknown = append(m.unknown, c.text)
			continue
		}
		taken[name] = true
		m.columns[i] = name
	}
	return m
}

// withoutParens drops the parts of a header in brackets: "Năm sinh (chủ
// hộ)" is "Năm sinh ".
func withoutParens(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// findHeader is the index of the header row: the first of the first ten
// rows in which at least two cells name columns (a commune's list often
// starts with a title and the commune's name above the table).
func findHeader(t *schema.Table, aliases map[string]string, s *Sheet) (int, headerMatch, bool) {
	for i := 0; i < len(s.rows) && i < 10; i++ {
		if m := matchHeader(t, aliases, s.rows[i]); len(m.columns) >= 2 {
			return i, m, true
		}
	}
	return 0, headerMatch{}, false
}

// ethnicIndex finds an ethnic group's QĐ 121 code by its name as communes
// write it: "Tày", "H'Mông", "Mông", "HMONG", "dân tộc Dao", an other name
// ("Mèo") when only one group has it, or the code itself ("8", "08").
// Official names come first, with accents and then without ("Lao" is
// Lào, though La Hủ are also called Lao); then other names.
type ethnicIndex struct {
	// key to code, in the order tried; "" when two groups share the key.
	official, officialFolded, other, otherFolded map[string]string
}

// ethnicLookup is built once from the reference data.
var ethnicLookup = sync.OnceValue(func() *ethnicIndex {
	idx := &ethnicIndex{official: map[string]string{}, officialFolded: map[string]string{}, other: map[string]string{}, otherFolded: map[string]string{}}
	for _, g := range schema.EthnicGroups() {
		addUnique(idx.official, ethnicKey(g.Name), g.Code)
		addUnique(idx.officialFolded, foldedKey(g.Name), g.Code)
		for _, other := range strings.Split(g.OtherNames, ",") {
			if other = strings.TrimSpace(withoutParens(other)); other != "" {
				addUnique(idx.other, ethnicKey(other), g.Code)
				addUnique(idx.otherFolded, foldedKey(other), g.Code)
			}
		}
	}
	// The name in use since 2019 (HMông in QĐ 121).
	idx.official[ethnicKey("Mông")], idx.officialFolded["mong"] = "08", "08"
	return idx
})

// addUnique maps key to code, or to "" when another group has the key.
func addUnique(m map[string]string, key, code string) {
	if prev, ok := m[key]; ok && prev != code {
		m[key] = ""
		return
	}
	m[key] = code
}

func foldedKey(s string) string { return strings.ReplaceAll(fold(s), " ", "") }

// ethnicKey is a name in lower case with letters and digits only, accents
// kept: "H'Mông" is "hmông".
func ethnicKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFC.String(strings.ToLower(s)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// code returns the code of the group s names.
func (idx *ethnicIndex) code(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if w := strings.Fields(s); len(w) > 2 && fold(w[0]+" "+w[1]) == "dan toc" {
		s = strings.Join(w[2:], " ")
	}
	if len(s) <= 2 && strings.Trim(s, "0123456789") == "" {
		code := s
		if len(code) == 1 {
			code = "0" + code
		}
		_, ok := schema.EthnicGroupByCode(code)
		return code, ok
	}
	for _, try := range []struct {
		m   map[string]string
		key string
	}{{idx.official, ethnicKey(s)}, {idx.officialFolded, foldedKey(s)}, {idx.other, ethnicKey(s)}, {idx.otherFolded, foldedKey(s)}} {
		if code, ok := try.m[try.key]; ok {
			return code, code != ""
		}
	}
	return "", false
}

// choiceIndex finds a value of an enumeration by its value, its English
// label or its Vietnamese label, folded, also without a leading "hộ" ("nghèo" is "Hộ
// nghèo").
func choiceIndex(c *schema.Column) map[string]string {
	m := map[string]string{}
	for _, ch := range c.Enum {
		m[fold(ch.Value)] = ch.Value
		m[fold(strings.ReplaceAll(ch.Value, "_", " "))] = ch.Value
		label := fold(ch.Label)
		m[label] = ch.Value
		m[strings.TrimPrefix(label, "ho ")] = ch.Value
		m[fold(withoutParens(ch.Label))] = ch.Value
		m[fold(ch.EN)] = ch.Value
	}
	if c.Name == "poverty_status" {
		m["trung binh"] = "medium_income"
		m["muc song trung binh"] = "medium_income"
	}
	return m
}
