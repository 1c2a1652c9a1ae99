// Package poverty classifies households by the national multidimensional
// poverty standard in force on the day of the review: NĐ 07/2021/NĐ-CP
// (2022 to the end of 2026) and the 2026–2030 standard (from 1 January
// 2027). Each standard is a data file in standards/; adding one is adding a
// file, and every classification records the standard it was made under.
//
// A standard has an income line for rural and for urban areas, in đồng per
// person per month, and the 12 deprivation indicators, 10 points each. A
// household at or under its area's line is poor when its deprivation score
// B reaches the standard's threshold (30 points: 3 indicators or more), and
// near-poor otherwise. Over the line, up to the medium-income ceiling, it
// has a medium income (mức sống trung bình); above, it is not poor.
//
// Score A. The refdata README gives the income criterion twice: as a score
// (A ≤ 140 points rural, 175 urban) and as the income it stands for (1.5 /
// 2.0 million đ per person per month). Hodan does not ask the household
// characteristics of the official score-card B1, whose weights are not in
// the reference data; it asks the household's monthly income and its
// number of members, and scores A as that income measured against the
// line: A = ⌈income per person × line points ÷ line đồng⌉. Rounding up
// makes A ≤ line points exactly when the income is at or under the line,
// so the score and the income never disagree at the boundary. A is capped
// at MaxScoreA, the bound of households.income_score; the classification
// itself compares the income with the line in whole đồng.
//
// The package imports nothing of the project but the reader of its data
// files (schema/internal/jsonfiles): schema builds its poverty_standard
// enumeration from Standards.
package poverty

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"hodan/schema/internal/jsonfiles"
)

// Area is where a household lives, which sets its income line.
type Area string

// The areas.
const (
	Rural Area = "rural"
	Urban Area = "urban"
)

// Text is a text in Vietnamese and English.
type Text struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

// In returns the text in lang ("vi" or "en"), Vietnamese for any other.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.VI
}

// Line is a standard's income line in one area.
type Line struct {
	IncomeVND int64 `json:"income_vnd"` // per person per month, at or under is poor or near-poor
	ScoreA    int   `json:"score_a"`    // the same line in points of score A
	// MediumMaxVND is the top of the medium-income band, which starts just
	// over IncomeVND.
	MediumMaxVND int64 `json:"medium_income_max_vnd"`
}

// Indicator is one deprivation indicator and the households column that
// records it.
type Indicator struct {
	Code      string `json:"code"`
	Column    string `json:"column"`
	Dimension Text   `json:"dimension"`
	Name      Text   `json:"name"`
}

// Standard is one national poverty standard, in force from ValidFrom to
// ValidTo inclusive.
type Standard struct {
	ID                 string        `json:"id"`
	Name               Text          `json:"name"`
	ValidFrom          string        `json:"valid_from"` // YYYY-MM-DD
	ValidTo            string        `json:"valid_to"`
	Note               string        `json:"note"`
	Lines              map[Area]Line `json:"lines"`
	PointsPerIndicator int           `json:"points_per_indicator"`
	PoorMinScoreB      int           `json:"poor_min_score_b"`
	Indicators         []Indicator   `json:"indicators"`
}

// InForce reports whether the standard applies on day (a date; its time
// of day is ignored).
func (s *Standard) InForce(day time.Time) bool {
	d := day.Format(time.DateOnly)
	return s.ValidFrom <= d && d <= s.ValidTo
}

// Indicator returns the indicator with the given code.
func (s *Standard) Indicator(code string) (Indicator, bool) {
	for _, ind := range s.Indicators {
		if ind.Code == code {
			return ind, true
		}
	}
	return Indicator{}, false
}

//go:embed standards/*.json
var standardFiles embed.FS

// Set is a list of standards, by the date they start.
type Set []*Standard

// embedded are the standards of standardFiles, read on first use.
var embedded = jsonfiles.Embedded(func() (Set, error) { return Load(standardFiles) })

// Standards returns the embedded standards, oldest first. They are shared
// and must not be modified.
func Standards() Set { return embedded() }

// Load reads every standards/*.json file of fsys, checks each and checks
// that no two are in force on the same day.
func Load(fsys fs.FS) (Set, error) {
	set, err := jsonfiles.Load(fsys, "standards/*.json", "poverty standard", checkFile)
	if err != nil {
		return nil, err
	}
	sort.Slice(set, func(i, j int) bool { return set[i].ValidFrom < set[j].ValidFrom })
	for i := 1; i < len(set); i++ {
		if set[i].ValidFrom <= set[i-1].ValidTo {
			return nil, fmt.Errorf("poverty standards %s and %s are both in force on %s", set[i-1].ID, set[i].ID, set[i].ValidFrom)
		}
	}
	return set, nil
}

// checkFile checks a standard read from the file named base.
func checkFile(s *Standard, base string) error {
	if s.ID+".json" != base {
		return fmt.Errorf("id %q does not match the file name %s", s.ID, base)
	}
	return s.check()
}

// check reports the first thing wrong with a standard read from a file.
func (s *Standard) check() error {
	if s.Name.VI == "" || s.Name.EN == "" {
		return fmt.Errorf("needs a name in vi and en")
	}
	from, errFrom := time.Parse(time.DateOnly, s.ValidFrom)
	to, errTo := time.Parse(time.DateOnly, s.ValidTo)
	if errFrom != nil || errTo != nil || to.Before(from) {
		return fmt.Errorf("valid_from %q and valid_to %q are not two dates in order", s.ValidFrom, s.ValidTo)
	}
	for _, area := range []Area{Rural, Urban} {
		l, ok := s.Lines[area]
		if !ok || l.IncomeVND <= 0 || l.ScoreA <= 0 || l.ScoreA > MaxScoreA || l.MediumMaxVND <= l.IncomeVND {
			return fmt.Errorf("the %s line must have income_vnd > 0, 0 < score_a ≤ %d and medium_income_max_vnd > income_vnd", area, MaxScoreA)
		}
	}
	if len(s.Lines) != 2 {
		return fmt.Errorf("has lines for %d areas; want rural and urban", len(s.Lines))
	}
	if s.PointsPerIndicator <= 0 || s.PoorMinScoreB <= 0 || len(s.Indicators) == 0 {
		return fmt.Errorf("needs indicators, points_per_indicator > 0 and poor_min_score_b > 0")
	}
	return s.checkIndicators()
}

func (s *Standard) checkIndicators() error {
	seen := map[string]bool{}
	for _, ind := range s.Indicators {
		if ind.Code == "" || ind.Column == "" || ind.Name.VI == "" || ind.Name.EN == "" {
			return fmt.Errorf("indicator %q needs a code, a column and a name in vi and en", ind.Code)
		}
		if seen[ind.Code] || seen["col:"+ind.Column] {
			return fmt.Errorf("indicator %q or its column %s is listed twice", ind.Code, ind.Column)
		}
		seen[ind.Code], seen["col:"+ind.Column] = true, true
	}
	if max := len(s.Indicators) * s.PointsPerIndicator; max > MaxScoreB {
		return fmt.Errorf("score B can reach %d; households.deprivation_score holds at most %d", max, MaxScoreB)
	}
	return nil
}

// InForce returns the standard in force on day.
func (set Set) InForce(day time.Time) (*Standard, error) {
	for _, s := range set {
		if s.InForce(day) {
			return s, nil
		}
	}
	return nil, &NoStandardError{Day: day.Format(time.DateOnly)}
}

// NoStandardError is returned for a review on a day no standard covers.
type NoStandardError struct{ Day string }

// Error says which day has no standard.
func (e *NoStandardError) Error() string {
	return fmt.Sprintf("no poverty standard is in force on %s", e.Day)
}

// Files returns the embedded standard files, as standards/<id>.json.
func Files() fs.FS { return standardFiles }
