package ops

import (
	"errors"
	"strings"

	"hodan/internal/i18n"
	"hodan/schema"
	"hodan/schema/forms"
	"hodan/schema/poverty"
)

// What a guided visit says to the officer, alike in the terminal and in
// the browser: why an answer was refused, and why a poverty review
// classified the household as it did.

// VND writes an amount of đồng short, as the officer reads it: 1.200.000 đ
// in Vietnamese, 1,200,000 đ in English.
func VND(l i18n.Lang, n int64) string { return i18n.Whole(l, n) + " đ" }

// AmountText is an amount of đồng as one record shows it: in Vietnamese
// grouped by thousands and in words, 1.500.000 đồng (một triệu năm trăm
// nghìn đồng); in English as VND writes it.
func AmountText(l i18n.Lang, n int64) string {
	if l == i18n.EN {
		return VND(l, n)
	}
	return i18n.T(l, "input.money", schema.FormatWhole(n, true), schema.NumberWords(n))
}

// AnswerProblem says in l why text, the answer typed to q, was refused
// with err (q.Parse's), and what to type instead.
func AnswerProblem(l i18n.Lang, q *forms.Question, text string, err error) string {
	var ae *forms.AnswerError
	if !errors.As(err, &ae) {
		return i18n.T(l, "visit.invalid.invalid", text, Explain(l, err))
	}
	switch ae.Code {
	case forms.CodeOutOfRange:
		if q.Kind == forms.Money {
			return i18n.T(l, "visit.invalid.out_of_range", text, VND(l, int64(ae.Min)), VND(l, int64(ae.Max)))
		}
		return i18n.T(l, "visit.invalid.out_of_range", text, i18n.Number(l, schema.FormatDecimal(ae.Min, true)), i18n.Number(l, schema.FormatDecimal(ae.Max, true)))
	case forms.CodeNotChoice, forms.CodeTooLong:
		return i18n.T(l, "visit.invalid."+ae.Code, text, int(ae.Max))
	case forms.CodeInvalid:
		return i18n.T(l, "visit.invalid.invalid", text, Explain(l, ae.Err))
	case forms.CodeNotNumber, forms.CodeNotMoney:
		if errors.Is(ae.Err, schema.ErrNumberFormat) {
			return i18n.T(l, "input.answer.number_format", text)
		}
		if errors.Is(ae.Err, schema.ErrNotWhole) {
			return i18n.T(l, "input.answer.not_whole", text)
		}
	case forms.CodeRequired:
		return i18n.T(l, "visit.invalid.required")
	}
	return i18n.T(l, "visit.invalid."+ae.Code, text)
}

// PovertyResult says a classification in l: the status and the standard
// it was made under.
func PovertyResult(l i18n.Lang, res *poverty.Result) string {
	return i18n.T(l, "visit.poverty.result", i18n.T(l, "visit.poverty.status."+string(res.Status)), res.Standard.Name.In(string(l)))
}

// PovertyScores says a classification's scores and the lines they were
// held to, in l.
func PovertyScores(l i18n.Lang, res *poverty.Result) string {
	return i18n.T(l, "visit.poverty.scores", res.ScoreA, res.Line.ScoreA, res.ScoreB, res.Standard.PoorMinScoreB)
}

// PovertyWhy puts each step of a classification's rule into words, in l.
func PovertyWhy(l i18n.Lang, res *poverty.Result) []string {
	out := make([]string, len(res.Reasons))
	for i, r := range res.Reasons {
		out[i] = povertyReason(l, res, r)
	}
	return out
}

func povertyReason(l i18n.Lang, res *poverty.Result, r poverty.Reason) string {
	area := i18n.T(l, "visit.poverty.area."+string(res.Area))
	var names []string
	for _, ind := range r.Indicators {
		names = append(names, strings.ToLower(ind.Name.In(string(l))))
	}
	list := strings.Join(names, ", ")
	switch r.Kind {
	case poverty.IncomeAtOrUnderLine:
		return i18n.T(l, "visit.poverty.reason.income_at_or_under_line", VND(l, r.IncomeVND), area, VND(l, r.LimitVND))
	case poverty.IncomeInMediumBand:
		return i18n.T(l, "visit.poverty.reason.income_in_medium_band", VND(l, r.IncomeVND), area, VND(l, res.Line.IncomeVND), VND(l, r.LimitVND))
	case poverty.IncomeOverMediumBand:
		return i18n.T(l, "visit.poverty.reason.income_over_medium_band", VND(l, r.IncomeVND), area, VND(l, r.LimitVND))
	case poverty.DeprivationsAtOrOverMin:
		return i18n.T(l, "visit.poverty.reason.deprivations_at_or_over_min", r.Count, r.Of, r.ScoreB, r.MinB, list)
	}
	if r.Count == 0 {
		return i18n.T(l, "visit.poverty.reason.no_deprivations", r.Of, r.MinB)
	}
	return i18n.T(l, "visit.poverty.reason.deprivations_under_min", r.Count, r.Of, r.ScoreB, r.MinB, list)
}
