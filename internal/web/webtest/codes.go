package webtest

import (
	"regexp"
	"strings"

	"hodan/schema"
)

// segment splits a text where pages put one value after another: "Hộ số
// 12 · Bản Nà · semi solid", "Lò Văn Sáu — spouse".
var segment = regexp.MustCompile(`\s*[·—→;:\n\t]\s*`)

// CodesInWords finds, among texts (a page's text nodes, see TextNodes),
// an enumeration's code of two words or more written as words ("near
// poor", "ntp 1719", "poverty review") standing as a value on its own: a
// text node, or one part of it between separators. That is what English
// pages showed before choices had English labels, and must never show
// again where a label belongs; the same words inside a phrase ("Household
// that escaped poverty", "residential land, production land and domestic
// water") are English.
func CodesInWords(texts []string) []string {
	codes := map[string]bool{}
	for _, t := range schema.Tables() {
		for _, c := range t.Columns {
			for _, ch := range c.Enum {
				if strings.Contains(ch.Value, "_") {
					codes[strings.ReplaceAll(ch.Value, "_", " ")] = true
				}
			}
		}
	}
	var found []string
	for _, text := range texts {
		for _, part := range segment.Split(text, -1) {
			if codes[strings.TrimSpace(part)] {
				found = append(found, strings.TrimSpace(part))
			}
		}
	}
	return found
}

// TextNodes is the text of every text node of the page's body that holds
// more than white space, with its option labels, in document order.
func (b *Browser) TextNodes() []string {
	return Eval[[]string](b, `(() => {
		const out = [], walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			const s = n.textContent.trim();
			if (s && !["SCRIPT", "STYLE"].includes(n.parentElement.tagName)) out.push(s);
		}
		return out; })()`)
}

// English reports whether the page the browser shows says it is in
// English (<html lang="en">).
func (b *Browser) English() bool {
	return Eval[string](b, `document.documentElement.lang`) == "en"
}
