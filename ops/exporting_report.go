package ops

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"hodan/internal/i18n"
	"hodan/schema"
	"hodan/syncengine"
)

// reportHeaders are the message keys of the visits report's columns.
var reportHeaders = []string{
	"report.col.date", "report.col.commune", "report.col.village", "report.col.number", "report.col.head",
	"report.col.birth_year", "report.col.ethnic", "report.col.purpose", "report.col.officer",
	"report.col.support", "report.col.support_amount", "report.col.damage", "report.col.house_damage",
	"report.col.damage_loss", "report.col.poverty", "report.col.notes",
}

// visitAftermath is what a visit recorded besides itself: the support it
// delivered and the damage it assessed.
type visitAftermath struct {
	support             []string
	supportAmount       int64
	hasAmount           bool
	damage, houseDamage []string
	loss                int64
	hasLoss             bool
}

// VisitsReport is one row per visit (from opts.From to opts.To, of
// opts.Commune when set), with the household it was to, who made it, why,
// and what it recorded, headed in l: the report a commune sends up to the
// district.
func VisitsReport(ctx context.Context, db *syncengine.DB, l i18n.Lang, opts ExportOptions) (*Grid, error) {
	q := db.SQL()
	from, to := cmp.Or(opts.From, "0000-01-01"), cmp.Or(opts.To, "9999-12-31")
	after, err := visitAftermaths(ctx, q, l)
	if err != nil {
		return nil, err
	}
	query := `SELECT v.id, v.visit_date, v.purpose, COALESCE(v.officer, ''), COALESCE(v.notes, ''),
		h.commune_code, COALESCE(vl.name, ''), COALESCE(h.household_number, ''), h.head_name,
		h.head_birth_year, h.ethnicity_code, h.poverty_status
	FROM visits v JOIN households h ON h.id = v.household_id LEFT JOIN villages vl ON vl.id = h.village_id
	WHERE v.visit_date >= ? AND v.visit_date <= ? AND (? = '' OR h.commune_code = ?)
	ORDER BY v.visit_date, v.id`
	rows, err := q.QueryContext(ctx, query, from, to, opts.Commune, opts.Commune)
	if err != nil {
		return nil, fmt.Errorf("read visits: %w", err)
	}
	defer rows.Close()
	g := &Grid{Sheet: i18n.T(l, "report.sheet")}
	for _, key := range reportHeaders {
		g.Header = append(g.Header, i18n.T(l, key))
	}
	households := schema.Households
	visits := schema.Visits
	for rows.Next() {
		var id, date, purpose, officer, notes, commune, village, number, head string
		var year sql.NullInt64
		var ethnic, poverty sql.NullString
		if err := rows.Scan(&id, &date, &purpose, &officer, &notes, &commune, &village, &number, &head, &year, &ethnic, &poverty); err != nil {
			return nil, fmt.Errorf("read visits: %w", err)
		}
		d, _ := time.Parse(time.DateOnly, date)
		purposeCol, _ := visits.Column("purpose")
		povertyCol, _ := households.Column("poverty_status")
		m := after[id]
		if m == nil {
			m = &visitAftermath{}
		}
		g.Rows = append(g.Rows, []any{
			d, commune, village, number, head, nullInt(year), ethnicName(ethnic.String),
			ChoiceText(l, purposeCol, purpose), officer,
			strings.Join(m.support, "; "), amount(m.supportAmount, m.hasAmount),
			strings.Join(m.damage, "; "), strings.Join(m.houseDamage, "; "), amount(m.loss, m.hasLoss),
			ChoiceText(l, povertyCol, poverty.String), notes,
		})
	}
	return g, rows.Err()
}

// ReportPeriod reads the days a visits report is from and to, as people
// type dates (31/12/2025) or YYYY-MM-DD, "" for an open end; it returns
// them as YYYY-MM-DD.
func ReportPeriod(from, to string) (string, string, error) {
	dateCol := &schema.Column{Name: "date", Type: schema.Date}
	out := []string{"", ""}
	for i, s := range []string{from, to} {
		if s == "" {
			continue
		}
		v, err := dateCol.Parse(s)
		if err != nil {
			return "", "", fail("export.err.date", s)
		}
		out[i] = v.(string)
	}
	return out[0], out[1], nil
}

// visitAftermaths reads the support records and damage reports made on
// visits, by visit id, their choices said in l.
func visitAftermaths(ctx context.Context, q *sql.DB, l i18n.Lang) (map[string]*visitAftermath, error) {
	out := map[string]*visitAftermath{}
	get := func(id string) *visitAftermath {
		if out[id] == nil {
			out[id] = &visitAftermath{}
		}
		return out[id]
	}
	support := schema.SupportRecords
	kindCol, _ := support.Column("kind")
	err := eachRow(ctx, q, `SELECT visit_id, kind, amount_vnd FROM support_records WHERE visit_id IS NOT NULL ORDER BY id`, func(scan func(...any) error) error {
		var id, kind string
		var amount sql.NullInt64
		if err := scan(&id, &kind, &amount); err != nil {
			return err
		}
		m := get(id)
		m.support = append(m.support, ChoiceText(l, kindCol, kind))
		m.supportAmount += amount.Int64
		m.hasAmount = m.hasAmount || amount.Valid
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read support records: %w", err)
	}
	damage := schema.DamageReports
	houseCol, _ := damage.Column("house_damage")
	err = eachRow(ctx, q, `SELECT visit_id, event, house_damage, estimated_loss_vnd FROM damage_reports WHERE visit_id IS NOT NULL ORDER BY id`, func(scan func(...any) error) error {
		var id, event string
		var house sql.NullString
		var loss sql.NullInt64
		if err := scan(&id, &event, &house, &loss); err != nil {
			return err
		}
		m := get(id)
		m.damage = append(m.damage, event)
		if house.Valid {
			m.houseDamage = append(m.houseDamage, ChoiceText(l, houseCol, house.String))
		}
		m.loss += loss.Int64
		m.hasLoss = m.hasLoss || loss.Valid
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read damage reports: %w", err)
	}
	return out, nil
}

// eachRow runs query and calls fn with each row's Scan.
func eachRow(ctx context.Context, q *sql.DB, query string, fn func(scan func(...any) error) error) error {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

func nullInt(v sql.NullInt64) any {
	if v.Valid {
		return v.Int64
	}
	return nil
}

func amount(v int64, valid bool) any {
	if valid {
		return v
	}
	return nil
}

// ethnicName is the name of the ethnic group with a code, or the code.
func ethnicName(code string) string {
	if g, ok := schema.EthnicGroupByCode(code); ok {
		return g.Name
	}
	return code
}
