package poverty

import (
	"fmt"
	"time"
)

// Status is a classification; its values are those of the schema's
// households.poverty_status enumeration (the package's tests check it).
type Status string

// The classifications a review can reach.
const (
	Poor         Status = "poor"
	NearPoor     Status = "near_poor"
	MediumIncome Status = "medium_income"
	NotPoor      Status = "not_poor"
)

// MaxScoreA and MaxScoreB are the bounds of households.income_score and
// households.deprivation_score.
const (
	MaxScoreA = 1000
	MaxScoreB = 120
)

// Review is what a poverty review found in a household.
type Review struct {
	Area Area
	// IncomeVND is the household's income per month, all members together,
	// and Members how many people share it.
	IncomeVND int64
	Members   int64
	// Deprived holds, by indicator code, whether the household is deprived
	// of it; an indicator left out is not deprived.
	Deprived map[string]bool
	Date     time.Time
}

// Result is a classification and why.
type Result struct {
	Standard *Standard
	Area     Area
	Line     Line
	// IncomePerPersonVND is the income per person per month, rounded up to
	// the đồng (so that it is over the line exactly when the income is).
	IncomePerPersonVND int64
	ScoreA, ScoreB     int
	Status             Status
	Deprived           []Indicator // the indicators the household is deprived of, in the standard's order
	Reasons            []Reason
}

// ReasonKind names one step of the rule.
type ReasonKind string

// The steps a classification gives as its reasons.
const (
	IncomeAtOrUnderLine     ReasonKind = "income_at_or_under_line"
	IncomeInMediumBand      ReasonKind = "income_in_medium_band"
	IncomeOverMediumBand    ReasonKind = "income_over_medium_band"
	DeprivationsAtOrOverMin ReasonKind = "deprivations_at_or_over_min"
	DeprivationsUnderMin    ReasonKind = "deprivations_under_min"
)

// Reason is one step of the rule that led to the classification, as data
// for the command line to put into words: the income against a line, or
// the deprivation score against the threshold.
type Reason struct {
	Kind ReasonKind
	// For the income steps: the income per person, the line (or the
	// medium-income ceiling) it was held against, and the score A.
	IncomeVND, LimitVND int64
	ScoreA, LimitA      int
	// For the deprivation steps: how many indicators of how many, score B
	// and its threshold, and which indicators.
	Count, Of    int
	ScoreB, MinB int
	Indicators   []Indicator
}

// Classify classifies a household reviewed under the standard of set in
// force on the review's date.
func (set Set) Classify(r Review) (Result, error) {
	std, err := set.InForce(r.Date)
	if err != nil {
		return Result{}, err
	}
	return std.Classify(r)
}

// Classify classifies a household by this standard, whatever the date.
func (s *Standard) Classify(r Review) (Result, error) {
	line, ok := s.Lines[r.Area]
	if !ok {
		return Result{}, fmt.Errorf("classify: area %q is neither rural nor urban", r.Area)
	}
	if r.Members < 1 || r.IncomeVND < 0 {
		return Result{}, fmt.Errorf("classify: need at least one member and an income of 0 đồng or more, not %d and %d", r.Members, r.IncomeVND)
	}
	for code := range r.Deprived {
		if _, ok := s.Indicator(code); !ok {
			return Result{}, fmt.Errorf("classify: %s has no indicator %q", s.ID, code)
		}
	}
	res := Result{Standard: s, Area: r.Area, Line: line, IncomePerPersonVND: ceilDiv(r.IncomeVND, r.Members)}
	res.ScoreA = scoreA(r.IncomeVND, r.Members, line)
	for _, ind := range s.Indicators {
		if r.Deprived[ind.Code] {
			res.Deprived = append(res.Deprived, ind)
		}
	}
	res.ScoreB = len(res.Deprived) * s.PointsPerIndicator
	res.Status, res.Reasons = s.decide(res)
	return res, nil
}

// decide applies the rule to a result's income and scores.
func (s *Standard) decide(res Result) (Status, []Reason) {
	income := Reason{IncomeVND: res.IncomePerPersonVND, ScoreA: res.ScoreA, LimitA: res.Line.ScoreA}
	dep := Reason{Count: len(res.Deprived), Of: len(s.Indicators), ScoreB: res.ScoreB, MinB: s.PoorMinScoreB, Indicators: res.Deprived}
	dep.Kind = DeprivationsUnderMin
	if res.ScoreB >= s.PoorMinScoreB {
		dep.Kind = DeprivationsAtOrOverMin
	}
	// Income at or under the line is exactly ScoreA ≤ LimitA (see scoreA);
	// comparing đồng keeps it exact even when the score is capped.
	switch {
	case res.IncomePerPersonVND <= res.Line.IncomeVND:
		income.Kind, income.LimitVND = IncomeAtOrUnderLine, res.Line.IncomeVND
		if dep.Kind == DeprivationsAtOrOverMin {
			return Poor, []Reason{income, dep}
		}
		return NearPoor, []Reason{income, dep}
	case res.IncomePerPersonVND <= res.Line.MediumMaxVND:
		income.Kind, income.LimitVND = IncomeInMediumBand, res.Line.MediumMaxVND
		return MediumIncome, []Reason{income}
	}
	income.Kind, income.LimitVND = IncomeOverMediumBand, res.Line.MediumMaxVND
	return NotPoor, []Reason{income}
}

// scoreA is ⌈income ÷ members × line points ÷ line đồng⌉, capped at
// MaxScoreA: at most the line's points exactly when income ÷ members is at
// most the line.
func scoreA(income, members int64, line Line) int {
	// income ≤ 1e15 (the money columns' bound) would overflow times the
	// points; the cap is reached long before, so test against it first.
	if income/members > line.IncomeVND*MaxScoreA/int64(line.ScoreA) {
		return MaxScoreA
	}
	a := ceilDiv(income*int64(line.ScoreA), members*line.IncomeVND)
	return int(min(a, MaxScoreA))
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }
