package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hodan/ops"
	"hodan/schema"
	"hodan/schema/forms"
	"hodan/schema/poverty"
	"hodan/syncengine"
)

// visitBench is an enrolled laptop's real database, without a server: the
// guided flow never talks to one.
type visitBench struct {
	a   *app
	db  *syncengine.DB
	dev *ops.Device
}

func mustVisitBench(t *testing.T, l lang) *visitBench {
	t.Helper()
	now := func() time.Time { return time.Date(2026, 5, 12, 9, 0, 0, 0, time.UTC) }
	a := &app{env: Env{Now: now, Getenv: func(string) string { return "" }}, lang: l, dbPath: filepath.Join(t.TempDir(), "hodan.db")}
	db, err := a.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	dev := &ops.Device{Server: "https://127.0.0.1:1", Token: "t", Officer: "Lò Văn Minh", Communes: []string{"05362"}, ServerSite: "s", EnrolledAt: now()}
	if err := ops.SaveDevice(context.Background(), db, dev); err != nil {
		t.Fatal(err)
	}
	return &visitBench{a: a, db: db, dev: dev}
}

func (b *visitBench) add(t *testing.T, table string, values map[string]any) string {
	t.Helper()
	tbl, _ := schema.TableByName(table)
	id, err := ops.AddRecord(context.Background(), b.db, b.dev.Actor(), tbl, values, ops.Day{Date: "2026-05-12"})
	if err != nil {
		t.Fatalf("add %s: %v", table, err)
	}
	return id.String()
}

// run drives the flow with the officer's lines and returns the screen.
func (b *visitBench) run(t *testing.T, household, form string, lines ...string) string {
	t.Helper()
	var out bytes.Buffer
	fl := &visitFlow{a: b.a, in: bufio.NewReader(strings.NewReader(strings.Join(lines, "\n") + "\n")), out: &out, result: &out, db: b.db, dev: b.dev, forms: forms.All()}
	if err := fl.run(context.Background(), household, form); err != nil {
		t.Fatalf("visit new: %v\n%s", err, out.String())
	}
	return out.String()
}

func (b *visitBench) query(t *testing.T, q string, args ...any) []any {
	t.Helper()
	rows, err := b.db.SQL().Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals...)
	}
	return out
}

func TestVisitNewPrestigeVisitWithAGift(t *testing.T) {
	b := mustVisitBench(t, langEN)
	h := b.add(t, "households", map[string]any{"head_name": "Lò Văn Páo"})
	b.add(t, "members", map[string]any{"household_id": h, "full_name": "Lò Văn Páo", "birth_year": int64(1958), "relation": "head"})
	b.add(t, "members", map[string]any{"household_id": h, "full_name": "Lò Thị Ín", "birth_year": int64(1961), "relation": "spouse"})
	screen := b.run(t, "", "prestige_visit",
		"lo van pao", "1", // the household, found without diacritics
		"9", "1", // a member not in the list, then the head
		"c", "1", "c",
		"600.000", "500.000", // over the 500,000 đ a visit allows, then at it
		"", "y")
	for _, want := range []string{"Lò Văn Páo", "is not a number in the list", "out of range", "500,000 đ", "Saved visit", "Recorded support"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the screen does not say %q:\n%s", want, screen)
		}
	}
	got := b.query(t, `SELECT m.is_prestige, s.kind, s.program, s.amount_vnd, s.status, v.purpose, v.form_id, v.form_version, v.officer
		FROM visits v JOIN support_records s ON s.visit_id = v.id JOIN members m ON m.full_name = 'Lò Văn Páo'`)
	want := []any{int64(1), "gift", "other", int64(500_000), "delivered", "prestige_visit", "prestige_visit", int64(1), "Lò Văn Minh"}
	if len(got) != len(want) {
		t.Fatalf("rows: %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("column %d: %v, want %v", i, got[i], want[i])
		}
	}
	if n := b.query(t, `SELECT count(*) FROM members WHERE is_prestige = 1`); n[0] != int64(1) {
		t.Errorf("%v members marked as people of prestige, want only the one picked", n[0])
	}
}

func TestVisitNewDamageAssessment(t *testing.T) {
	b := mustVisitBench(t, langVI)
	h := b.add(t, "households", map[string]any{"head_name": "Hà Thị Mai"})
	screen := b.run(t, h, "damage_assessment",
		"", "Bão số 3 (Yagi)", // required: refused empty
		"31/02/2026", "07/09/2024", // no 31 February
		"7", "3", // no 7th choice
		"1200,5", "", "khong", "0", "-", "25tr", "Mái tôn bay", "c")
	for _, want := range []string{"bắt buộc", "không phải là ngày", "không có trong danh sách", "không phải là số", "07/09/2024", "1.200,5", "Đã lưu lượt thăm", "Đã ghi thiệt hại"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the screen does not say %q:\n%s", want, screen)
		}
	}
	got := b.query(t, `SELECT d.event, d.event_date, d.house_damage, d.crop_area_lost_m2, d.livestock_lost, d.people_injured, d.people_dead, d.estimated_loss_vnd, v.notes
		FROM damage_reports d JOIN visits v ON v.id = d.visit_id WHERE d.household_id = ?`, h)
	want := []any{"Bão số 3 (Yagi)", "2024-09-07", "severe", 1200.5, nil, int64(0), nil, int64(25_000_000), "Mái tôn bay"}
	if len(got) != len(want) {
		t.Fatalf("rows: %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("column %d: %#v, want %#v", i, got[i], want[i])
		}
	}
}

// TestVisitNewBackChangesAConditionalAnswer: an answer made moot by going
// back and changing the question it depends on is not saved.
func TestVisitNewBackChangesAConditionalAnswer(t *testing.T) {
	b := mustVisitBench(t, langVI)
	h := b.add(t, "households", map[string]any{"head_name": "Bùi Văn Thảo"})
	screen := b.run(t, h, "support_delivery",
		"1", "DA99", "DA1.ND2", // program 1719, a project it does not have, then one it has
		"<", "<", "4", // back twice, to the programme: other
		"2", "40tr", "", "", "2", "10/05/2026", "", "c")
	if !strings.Contains(screen, `"DA99" không dùng được`) || strings.Contains(screen, "is not a project code") {
		t.Errorf("the refusal of DA99 is not in Vietnamese:\n%s", screen)
	}
	got := b.query(t, `SELECT program, project_code, kind, amount_vnd, status, delivered_date FROM support_records WHERE household_id = ?`, h)
	want := []any{"other", nil, "house_repair", int64(40_000_000), "delivered", "2026-05-10"}
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			t.Fatalf("support record %v, want %v", got, want)
		}
	}
	var ans struct {
		FormID  string         `json:"form_id"`
		Answers map[string]any `json:"answers"`
	}
	raw := b.query(t, `SELECT answers FROM visits WHERE household_id = ?`, h)
	if err := json.Unmarshal([]byte(raw[0].(string)), &ans); err != nil {
		t.Fatal(err)
	}
	if _, kept := ans.Answers["project_code"]; kept || ans.FormID != "support_delivery" || ans.Answers["program"] != "other" {
		t.Errorf("visit answers: %+v", ans)
	}
}

func TestVisitNewCancelSavesNothing(t *testing.T) {
	for name, lines := range map[string][]string{
		"q at the review": {"1", "4", "4.500.000", "k", "k", "k", "k", "k", "k", "k", "k", "k", "k", "k", "k", "", "", "q"},
		"q at a question": {"1", "4", "q"},
		"end of input":    {"1", "4"},
	} {
		t.Run(name, func(t *testing.T) {
			b := mustVisitBench(t, langVI)
			h := b.add(t, "households", map[string]any{"head_name": "Hà Thị Mai"})
			screen := b.run(t, h, "poverty_review", lines...)
			if !strings.Contains(screen, "Đã hủy") {
				t.Errorf("the screen does not say it cancelled:\n%s", screen)
			}
			if n := b.query(t, `SELECT count(*) FROM visits`); n[0] != int64(0) {
				t.Errorf("%v visits saved", n[0])
			}
			if st := b.query(t, `SELECT poverty_status FROM households`); st[0] != nil {
				t.Errorf("the household's poverty status is %v", st[0])
			}
		})
	}
}

// TestVisitNewPovertyReviewInEnglish: the review writes the household's
// poverty columns and shows the classification and why before and after
// saving.
func TestVisitNewPovertyReviewInEnglish(t *testing.T) {
	b := mustVisitBench(t, langEN)
	h := b.add(t, "households", map[string]any{"head_name": "Hà Thị Mai"})
	deps := []string{"y", "n", "n", "y", "n", "n", "y", "n", "y", "n", "n", "n"}
	lines := append([]string{"", "rural", "5", "6.000.000"}, deps...)
	screen := b.run(t, h, "poverty_review", append(lines, "3", "", "y")...)
	for _, want := range []string{"Classification: Poor", "income 1,200,000 đ per person per month ≤ the rural line of 1,500,000 đ", "deprived of 4 of 12 indicators (40 points ≥ 30): employment, health insurance, housing quality, safe drinking water"} {
		if strings.Count(screen, want) != 2 {
			t.Errorf("the screen does not say %q before and after saving:\n%s", want, screen)
		}
	}
	got := b.query(t, `SELECT poverty_status, poverty_standard, poverty_year, income_score, deprivation_score, dep_employment, dep_dependents, dep_clean_water, housing_condition FROM households WHERE id = ?`, h)
	want := []any{"poor", "nd07_2021", int64(2026), int64(112), int64(40), int64(1), int64(0), int64(1), "makeshift"}
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			t.Fatalf("household %v, want %v", got, want)
		}
	}
}

// TestVisitMessagesForEveryValue: the keys the flow makes from values are
// all in the catalogue.
func TestVisitMessagesForEveryValue(t *testing.T) {
	cat := messages()
	var keys []string
	for _, k := range []forms.Kind{forms.Choice, forms.YesNo, forms.Integer, forms.Number, forms.Money, forms.Date, forms.String, forms.Member} {
		keys = append(keys, msgKey("visit.kind", string(k)))
	}
	for _, c := range []string{forms.CodeRequired, forms.CodeNotNumber, forms.CodeNotMoney, forms.CodeNotYesNo, forms.CodeNotDate, forms.CodeNotChoice, forms.CodeOutOfRange, forms.CodeTooLong, forms.CodeInvalid} {
		keys = append(keys, msgKey("visit.invalid", c))
	}
	for _, s := range []poverty.Status{poverty.Poor, poverty.NearPoor, poverty.MediumIncome, poverty.NotPoor} {
		keys = append(keys, msgKey("visit.poverty.status", string(s)))
	}
	for _, r := range []poverty.ReasonKind{poverty.IncomeAtOrUnderLine, poverty.IncomeInMediumBand, poverty.IncomeOverMediumBand, poverty.DeprivationsAtOrOverMin, poverty.DeprivationsUnderMin} {
		keys = append(keys, msgKey("visit.poverty.reason", string(r)))
	}
	keys = append(keys, msgKey("visit.poverty.area", string(poverty.Rural)), msgKey("visit.poverty.area", string(poverty.Urban)))
	members := schema.Members
	rel, _ := members.Column("relation")
	for _, ch := range rel.Enum {
		keys = append(keys, msgKey("visit.relation", ch.Value))
	}
	for _, k := range keys {
		if m, _ := cat.Lookup(k); m.VI == "" || m.EN == "" {
			t.Errorf("message %s is missing", k)
		}
	}
}

// TestVisitNewChangeFromTheReview: changing an answer from the review asks
// that question, then only the ones the change brings in, then reviews
// again.
func TestVisitNewChangeFromTheReview(t *testing.T) {
	b := mustVisitBench(t, langVI)
	h := b.add(t, "households", map[string]any{"head_name": "Lò Văn Páo"})
	b.add(t, "members", map[string]any{"household_id": h, "full_name": "Lò Văn Páo", "birth_year": int64(1958), "relation": "head"})
	screen := b.run(t, h, "prestige_visit",
		"1", "c", "2", "k", "", // no gift at first
		"4", "c", // from the review: there was a gift after all
		"300.000", // its value, the one new question
		"c")
	if n := strings.Count(screen, "Xem lại:"); n != 2 {
		t.Errorf("%d reviews, want 2:\n%s", n, screen)
	}
	if n := strings.Count(screen, "] Ghi chú"); n != 1 {
		t.Errorf("the notes were asked %d times, want once:\n%s", n, screen)
	}
	got := b.query(t, `SELECT kind, amount_vnd FROM support_records WHERE household_id = ?`, h)
	if len(got) != 2 || got[0] != "gift" || got[1] != int64(300_000) {
		t.Errorf("support records %v, want one gift of 300000", got)
	}
}
