package ui

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"

	"hodan/internal/i18n"
	"hodan/ops"
	"hodan/schema"
)

// pageSize is how many households a page of the list shows.
const pageSize = 100

// householdsPage is the list of households: the search, what it found,
// one page of it.
type householdsPage struct {
	Q, Village, Status string
	Villages, Statuses []choice
	Rows               []householdRow
	Found, From, To    int
	Prev, Next         string // the addresses of the pages before and after; "" for none
}

// householdRow is a household as the list shows it.
type householdRow struct {
	ID, Number, Head, Year, Village, Status, StatusValue, Housing string
}

// households lists the households of the laptop's communes, found by the
// head's name typed with or without diacritics (ops.List), and by
// village and poverty status; by village, then number.
func (a *App) households(w http.ResponseWriter, r *http.Request, v *visit) error {
	q := r.URL.Query()
	p := householdsPage{Q: q.Get("q"), Village: q.Get("village"), Status: q.Get("status")}
	rows, err := ops.List(r.Context(), a.cfg.DB, schema.Households, ops.ListQuery{Communes: v.who().Communes, Search: p.Q})
	if err != nil {
		return err
	}
	words, err := a.words(r.Context(), v.lang)
	if err != nil {
		return err
	}
	if p.Villages, err = a.villageChoices(r.Context(), v.who()); err != nil {
		return err
	}
	status, _ := schema.Households.Column(schema.ColPovertyStatus)
	for _, ch := range status.Enum {
		p.Statuses = append(p.Statuses, choice{ch.Value, ops.ChoiceText(v.lang, status, ch.Value)})
	}
	for _, rec := range rows {
		if (p.Village == "" || rec[schema.ColVillageID] == p.Village) && (p.Status == "" || rec[schema.ColPovertyStatus] == p.Status) {
			p.Rows = append(p.Rows, words.householdRow(rec))
		}
	}
	slices.SortFunc(p.Rows, func(x, y householdRow) int {
		return cmp.Or(compareNames(x.Village, y.Village), compareNumbers(x.Number, y.Number), compareNames(x.Head, y.Head))
	})
	p.page(r, atoi(q.Get("page")))
	return a.render(w, r, "households", "/households", p)
}

// page keeps the rows of page n (from 0) and the addresses of its
// neighbours.
func (p *householdsPage) page(r *http.Request, n int) {
	p.Found = len(p.Rows)
	n = max(0, min(n, (p.Found-1)/pageSize))
	p.From, p.To = n*pageSize, min(p.Found, (n+1)*pageSize)
	p.Rows = p.Rows[p.From:p.To]
	link := func(k int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(k))
		return "/households?" + q.Encode()
	}
	if n > 0 {
		p.Prev = link(n - 1)
	}
	if p.To < p.Found {
		p.Next = link(n + 1)
	}
	p.From++
}

func (w words) householdRow(rec ops.Record) householdRow {
	t := schema.Households
	shown := w.record(t, rec)
	status, _ := rec[schema.ColPovertyStatus].(string)
	row := householdRow{ID: rec["id"].(string), Number: shown[schema.ColHouseholdNumber], Head: shown[schema.ColHeadName],
		Year: shown[schema.ColHeadBirthYear], Village: shown[schema.ColVillageID], Status: shown[schema.ColPovertyStatus],
		StatusValue: status, Housing: shown["housing_condition"]}
	// An empty cell reads as a page broken: say what is not recorded.
	if row.Status == "" {
		row.Status, row.StatusValue = w.T("ui.households.not_classified"), "none"
	}
	if row.Housing == "" {
		row.Housing = w.T("ui.households.not_recorded")
	}
	return row
}

// compareNumbers orders household numbers as numbers where they are
// ("2" before "10"), else as text.
func compareNumbers(a, b string) int {
	x, errX := strconv.Atoi(a)
	y, errY := strconv.Atoi(b)
	if errX == nil && errY == nil {
		return cmp.Compare(x, y)
	}
	return cmp.Compare(a, b)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// villagesPage lists the villages of the laptop's communes, with how many
// households each has.
type villagesPage struct {
	Rows []villageRow
}

type villageRow struct {
	ID, Name, Commune, Difficult string
	Households                   int
}

func (a *App) villages(w http.ResponseWriter, r *http.Request, v *visit) error {
	villages, err := ops.List(r.Context(), a.cfg.DB, schema.Villages, ops.ListQuery{Communes: v.who().Communes})
	if err != nil {
		return err
	}
	households, err := ops.List(r.Context(), a.cfg.DB, schema.Households, ops.ListQuery{Communes: v.who().Communes})
	if err != nil {
		return err
	}
	count := map[any]int{}
	for _, h := range households {
		count[h[schema.ColVillageID]]++
	}
	words, err := a.words(r.Context(), v.lang)
	if err != nil {
		return err
	}
	var p villagesPage
	for _, rec := range villages {
		shown := words.record(schema.Villages, rec)
		row := villageRow{ID: rec["id"].(string), Name: shown[schema.ColName], Commune: shown[schema.ColCommuneCode], Households: count[rec["id"]]}
		if rec["especially_difficult"] == true {
			row.Difficult = i18n.T(v.lang, "column.villages.especially_difficult")
		}
		p.Rows = append(p.Rows, row)
	}
	slices.SortFunc(p.Rows, func(x, y villageRow) int { return compareNames(x.Name, y.Name) })
	return a.render(w, r, "villages", "/villages", p)
}
