package webtest

import (
	"regexp"
	"strings"

	"hodan/schema"
)

// CodesInWords finds in text an enumeration's code of two words or more
// written as words ("near poor", "ntp 1719", "poverty review"): what the
// English pages showed before choices had English labels, and must never
// show again where a label belongs. A code shown so stands alone (a cell,
// a badge, after "·"); the same words inside a phrase ("Household that
// escaped poverty", "Storm damage assessment") are English, so the
// English labels are taken out of text first and a code's words right
// after another word do not count.
func CodesInWords(text string) []string {
	var labels, codes []string
	for _, t := range schema.Tables() {
		for _, c := range t.Columns {
			for _, ch := range c.Enum {
				labels = append(labels, ch.EN)
				if strings.Contains(ch.Value, "_") {
					codes = append(codes, regexp.QuoteMeta(strings.ReplaceAll(ch.Value, "_", " ")))
				}
			}
		}
	}
	for _, l := range labels {
		text = strings.ReplaceAll(text, l, " ")
	}
	var found []string
	code, afterWord := regexp.MustCompile(`\b(`+strings.Join(codes, "|")+`)\b`), regexp.MustCompile(`[\pL\pN] $`)
	for _, m := range code.FindAllStringIndex(text, -1) {
		if !afterWord.MatchString(text[:m[0]]) {
			found = append(found, text[m[0]:m[1]])
		}
	}
	return found
}

// English reports whether the page the browser shows says it is in
// English (<html lang="en">).
func (b *Browser) English() bool {
	return Eval[string](b, `document.documentElement.lang`) == "en"
}
