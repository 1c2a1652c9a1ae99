package schema

import (
	"slices"
	"strings"
	"testing"

	"hodan/schema/poverty"
)

// TestPovertyStandardsAreTheFiles fails when the choices of
// households.poverty_standard are not the standards of schema/poverty's
// files, oldest first, by id and name: a standard added or renamed there
// and not here.
func TestPovertyStandardsAreTheFiles(t *testing.T) {
	var want []Choice
	for _, s := range poverty.Standards() {
		want = append(want, Choice{s.ID, s.Name.VI, s.Name.EN})
	}
	c, _ := Households.Column(ColPovertyStandard)
	if !slices.Equal(c.Enum, want) {
		t.Errorf("the poverty standards of %s are\n  %q\nwant those of schema/poverty/standards:\n  %q", ColPovertyStandard, c.Enum, want)
	}
}

// TestEveryChoiceHasAnEnglishLabel checks that every choice of every
// enumeration has a Vietnamese and an English label, the English one not
// the value itself, with or without its underscores ("near poor"): the
// English pages show it, and their tests refuse a code where it belongs.
func TestEveryChoiceHasAnEnglishLabel(t *testing.T) {
	for _, tbl := range Tables() {
		for _, c := range tbl.Columns {
			for _, ch := range c.Enum {
				code := strings.ReplaceAll(ch.Value, "_", " ")
				if ch.Label == "" || ch.EN == "" || ch.EN == code || ch.EN == ch.Value {
					t.Errorf("%s.%s: choice %q has labels %q / %q", tbl.Name, c.Name, ch.Value, ch.Label, ch.EN)
				}
				if got := c.ChoiceLabelIn("en", ch.Value); got != ch.EN {
					t.Errorf("%s.%s: %q in English is %q", tbl.Name, c.Name, ch.Value, got)
				}
			}
		}
	}
}

// TestEveryProjectHasAnEnglishName checks that every project of program
// 1719 has an English name besides its Vietnamese one.
func TestEveryProjectHasAnEnglishName(t *testing.T) {
	for _, p := range Projects1719() {
		if p.NameEN == "" || p.NameEN == p.Name || p.NameIn("en") != p.NameEN || p.NameIn("vi") != p.Name {
			t.Errorf("project %s: %q / %q", p.Code, p.Name, p.NameEN)
		}
	}
}
