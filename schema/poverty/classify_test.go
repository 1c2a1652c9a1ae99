package poverty_test

import (
	"fmt"
	"testing"
	"time"

	"hodan/schema/poverty"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// deprived returns the first n indicator codes of the standard in force on
// date, marked deprived.
func deprived(t *testing.T, date string, n int) map[string]bool {
	t.Helper()
	std, err := poverty.Standards().InForce(day(date))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, ind := range std.Indicators[:n] {
		out[ind.Code] = true
	}
	return out
}

// TestClassifyAtEveryBoundary walks each line of each standard and area:
// one đồng under, at and one đồng over the poverty line and the
// medium-income ceiling, with 2 and 3 deprivations.
func TestClassifyAtEveryBoundary(t *testing.T) {
	standards := []struct {
		id, date                         string
		rural, urban, ruralMax, urbanMax int64
	}{
		{"nd07_2021", "2025-06-30", 1_500_000, 2_000_000, 2_250_000, 3_000_000},
		{"std_2026_2030", "2027-03-15", 2_200_000, 2_800_000, 3_300_000, 4_200_000},
	}
	for _, s := range standards {
		for _, area := range []struct {
			area      poverty.Area
			line, max int64
			points    int
		}{{poverty.Rural, s.rural, s.ruralMax, 140}, {poverty.Urban, s.urban, s.urbanMax, 175}} {
			cases := []struct {
				perPerson int64
				deps      int
				want      poverty.Status
			}{
				{0, 12, poverty.Poor},
				{area.line - 1, 3, poverty.Poor},
				{area.line, 3, poverty.Poor},
				{area.line, 2, poverty.NearPoor},
				{area.line - 1, 0, poverty.NearPoor},
				{area.line + 1, 3, poverty.MediumIncome},
				{area.line + 1, 12, poverty.MediumIncome},
				{area.max, 5, poverty.MediumIncome},
				{area.max + 1, 5, poverty.NotPoor},
				{area.max + 1, 0, poverty.NotPoor},
			}
			for _, tc := range cases {
				name := fmt.Sprintf("%s/%s/%d đ/%d deprivations", s.id, area.area, tc.perPerson, tc.deps)
				t.Run(name, func(t *testing.T) {
					members := int64(4)
					res, err := poverty.Standards().Classify(poverty.Review{
						Area: area.area, IncomeVND: tc.perPerson * members, Members: members,
						Deprived: deprived(t, s.date, tc.deps), Date: day(s.date),
					})
					if err != nil {
						t.Fatal(err)
					}
					if res.Standard.ID != s.id || res.Status != tc.want {
						t.Fatalf("got %s under %s, want %s under %s", res.Status, res.Standard.ID, tc.want, s.id)
					}
					if res.ScoreB != 10*tc.deps {
						t.Errorf("score B = %d, want %d", res.ScoreB, 10*tc.deps)
					}
					if underLine := tc.perPerson <= area.line; underLine != (res.ScoreA <= area.points) {
						t.Errorf("score A = %d against %d points, but the income %d is under the line %d: %v", res.ScoreA, area.points, tc.perPerson, area.line, underLine)
					}
					if len(res.Reasons) == 0 || res.Reasons[0].IncomeVND != tc.perPerson {
						t.Errorf("reasons %+v do not start with the income %d", res.Reasons, tc.perPerson)
					}
				})
			}
		}
	}
}

// TestStandardChangesOnFirstJanuary2027: the same household is poor on the
// last day of 2026 and the first of 2027 only under the standard of each day.
func TestStandardChangesOnFirstJanuary2027(t *testing.T) {
	for _, tc := range []struct {
		date, id string
		want     poverty.Status
	}{
		{"2022-01-01", "nd07_2021", poverty.MediumIncome},
		{"2026-12-31", "nd07_2021", poverty.MediumIncome},
		{"2027-01-01", "std_2026_2030", poverty.Poor},
		{"2030-12-31", "std_2026_2030", poverty.Poor},
	} {
		res, err := poverty.Standards().Classify(poverty.Review{
			Area: poverty.Rural, IncomeVND: 3 * 1_800_000, Members: 3,
			Deprived: deprived(t, "2025-01-01", 4), Date: day(tc.date),
		})
		if err != nil {
			t.Fatalf("%s: %v", tc.date, err)
		}
		if res.Standard.ID != tc.id || res.Status != tc.want {
			t.Errorf("%s: %s under %s, want %s under %s", tc.date, res.Status, res.Standard.ID, tc.want, tc.id)
		}
	}
	for _, d := range []string{"2021-12-31", "2031-01-01"} {
		if _, err := poverty.Standards().Classify(poverty.Review{Area: poverty.Rural, Members: 1, Date: day(d)}); err == nil {
			t.Errorf("%s: classified, though no standard is in force", d)
		}
	}
}

// TestScoreAAndReasons checks the numbers an officer is shown.
func TestScoreAAndReasons(t *testing.T) {
	deps := deprived(t, "2025-01-01", 4)
	res, err := poverty.Standards().Classify(poverty.Review{
		Area: poverty.Rural, IncomeVND: 6_000_000, Members: 5, Deprived: deps, Date: day("2025-05-01"),
	})
	if err != nil {
		t.Fatal(err)
	}
	// 1,200,000 đ of a 1,500,000 đ line worth 140 points: 112 points.
	if res.IncomePerPersonVND != 1_200_000 || res.ScoreA != 112 || res.ScoreB != 40 || res.Status != poverty.Poor {
		t.Fatalf("got %+v", res)
	}
	if len(res.Reasons) != 2 || res.Reasons[0].Kind != poverty.IncomeAtOrUnderLine || res.Reasons[0].LimitVND != 1_500_000 ||
		res.Reasons[1].Kind != poverty.DeprivationsAtOrOverMin || res.Reasons[1].Count != 4 || res.Reasons[1].Of != 12 || len(res.Reasons[1].Indicators) != 4 {
		t.Errorf("reasons: %+v", res.Reasons)
	}
	rich, err := poverty.Standards().Classify(poverty.Review{Area: poverty.Urban, IncomeVND: 1e15, Members: 1, Date: day("2025-05-01")})
	if err != nil || rich.ScoreA != poverty.MaxScoreA || rich.Status != poverty.NotPoor {
		t.Errorf("a very high income: %+v, %v; want score A capped at %d", rich, err, poverty.MaxScoreA)
	}
	// 4,500,001 đ for 3 people is over a 1,500,000 đ line by a third of a đồng.
	over, err := poverty.Standards().Classify(poverty.Review{Area: poverty.Rural, IncomeVND: 4_500_001, Members: 3, Deprived: deps, Date: day("2025-05-01")})
	if err != nil || over.Status != poverty.MediumIncome || over.ScoreA != 141 || over.IncomePerPersonVND != 1_500_001 {
		t.Errorf("a third of a đồng over the line: %+v, %v", over, err)
	}
}

func TestClassifyRefusesWhatItCannotJudge(t *testing.T) {
	for name, r := range map[string]poverty.Review{
		"no area":           {Members: 1, Date: day("2025-01-01")},
		"no members":        {Area: poverty.Rural, Date: day("2025-01-01")},
		"negative income":   {Area: poverty.Rural, Members: 1, IncomeVND: -1, Date: day("2025-01-01")},
		"unknown indicator": {Area: poverty.Rural, Members: 1, Deprived: map[string]bool{"wifi": true}, Date: day("2025-01-01")},
	} {
		if _, err := poverty.Standards().Classify(r); err == nil {
			t.Errorf("%s: classified", name)
		}
	}
}
