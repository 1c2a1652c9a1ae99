package ops

import (
	"math"
	"strings"

	"hodan/internal/i18n"
	"hodan/schema"
	"hodan/syncengine"
)

// RejectionText says a change the server refused with the refusal's code,
// as `hodan status` lists it: «máy chủ từ chối (invalid_value): Ngày
// thăm: …».
func RejectionText(l i18n.Lang, r syncengine.Rejection) string {
	return i18n.T(l, "refusal", r.Code, RefusalReason(l, r))
}

// RefusalReason is why the server refused a change, without its code, for
// a page that shows it beside the change refused. When the server named
// the rule broken (Rejection's Reason, Column and Args) it is said in l
// with the column's label: «Số điện thoại: "09x" không phải số điện
// thoại». Else, as from a server before them: the server's own words in
// English, its code's meaning in Vietnamese.
func RefusalReason(l i18n.Lang, r syncengine.Rejection) string {
	if col, text, ok := ruleBroken(l, r); ok {
		if col != "" {
			text = col + ": " + text
		}
		return text
	}
	return refusalByCode(l, r)
}

// RefusalRule is RefusalReason without the column's label, for a page
// that shows the field refused in a column of its own: «ngày 01/01/1980
// là trước 01/01/2000: …».
func RefusalRule(l i18n.Lang, r syncengine.Rejection) string {
	if _, text, ok := ruleBroken(l, r); ok {
		return text
	}
	return refusalByCode(l, r)
}

// refusalByCode says a refusal whose rule the server did not name: its
// own words in English, its code's meaning in Vietnamese.
func refusalByCode(l i18n.Lang, r syncengine.Rejection) string {
	if l == i18n.EN {
		return r.Message
	}
	text := i18n.T(l, "refusal."+r.Code)
	if strings.HasPrefix(text, "[") {
		text = i18n.T(l, "refusal.other", r.Code)
	}
	return text
}

// ruleBroken says r by the rule the server named, with the label of the
// column it concerns ("" for none); false if it named none the catalogue
// says.
func ruleBroken(l i18n.Lang, r syncengine.Rejection) (col, text string, ok bool) {
	switch {
	case r.Code == syncengine.CodeInvalidValue && r.Reason != "" && r.Column != "":
		e := &schema.Error{Code: r.Code, Column: r.Column, Reason: r.Reason, Args: wholeArgs(r.Args), Message: r.Message}
		if text, ok = schemaCatalogue(l, e); ok {
			return columnWord(l, r.Column), text, true
		}
	case r.Code == syncengine.CodeOutOfScope && len(r.Args) == 1:
		if code, isText := r.Args[0].(string); isText {
			return "", i18n.T(l, "refusal.out_of_scope.commune", schema.CommuneName(code)), true
		}
	}
	return "", "", false
}

// columnWord is a column's label in l, by the first table that has it:
// the same name has one label in every table that has it.
func columnWord(l i18n.Lang, name string) string {
	if t, ok := tableOfColumn(name); ok {
		return i18n.T(l, "column."+t.Name+"."+name)
	}
	return name
}

// wholeArgs gives back the whole numbers among args as int, for the
// catalogue's %d: a refusal's Args crossed JSON, which makes every number
// a float64.
func wholeArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if f, ok := a.(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			a = int(f)
		}
		out[i] = a
	}
	return out
}
