package ui_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"hodan/internal/web/webtest"
	"hodan/schema"
)

// inSight is where a form's button stands on a 1280×720 screen: Tall
// says the form is taller than the screen (else the check proves
// nothing); Seen that the button is on the screen at the top of the page;
// Reached that a field under the fold, reached from the keyboard, shows
// above the button's bar; AtEnd that, scrolled to the end, the bar covers
// no field.
type inSight struct {
	Tall, Seen, Reached, AtEnd bool
}

// checkInSight opens every folded group of the page's form (the longest
// the form can be) and measures where button stands.
func checkInSight(t *testing.T, b *webtest.Browser, button string) inSight {
	t.Helper()
	find := `const button = document.querySelector(` + strconv.Quote(button) + `), bar = button.closest(".actions"), page = bar.closest("main");
		const fields = Array.from(page.querySelectorAll("input:not([type=hidden]), select, textarea")).filter(f => !bar.contains(f));`
	got := webtest.Eval[inSight](b, `(() => { `+find+`
		document.querySelectorAll("details").forEach(d => d.open = true);
		document.activeElement.blur();
		window.scrollTo(0, 0);
		const r = button.getBoundingClientRect(), below = fields.find(f => f.getBoundingClientRect().bottom > bar.getBoundingClientRect().top);
		if (below) { below.setAttribute("data-below", ""); below.focus(); }
		return {Tall: page.getBoundingClientRect().height > innerHeight, Seen: r.top >= 0 && r.bottom <= innerHeight};
	})()`)
	// The page moves a field from under the bar once the browser has
	// brought it into sight: wait for it, up to the browser's deadline.
	got.Reached = webtest.Run(b, func(ctx context.Context, tg *chromedp.Target) (bool, error) {
		for {
			clear, err := chromedp.Evaluate[bool](`(() => { `+find+`
				const f = document.querySelector("[data-below]");
				return !f || (f.closest(".field, tr") || f).getBoundingClientRect().bottom <= bar.getBoundingClientRect().top + 1; })()`)(ctx, tg)
			if clear || err != nil && ctx.Err() == nil {
				return clear, err
			}
			select {
			case <-ctx.Done():
				return false, nil
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	got.AtEnd = webtest.Eval[bool](b, `(() => { `+find+`
		window.scrollTo(0, document.documentElement.scrollHeight);
		const last = fields.length ? (fields[fields.length - 1].closest(".field, tr") || fields[fields.length - 1]) : null;
		return !last || last.getBoundingClientRect().bottom <= bar.getBoundingClientRect().top + 1;
	})()`)
	return got
}

// TestSaveInSightOnLongForms: on a 1280×720 projector, the long forms
// (a household's, a member's, support's, each step of a poverty review
// and its review) show their Save or Next button without scrolling, a
// field reached from the keyboard is not hidden under it, and at the end
// of the form it covers no field.
func TestSaveInSightOnLongForms(t *testing.T) {
	t.Setenv("HODAN_SCREEN", "1280x720")
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	id := mustHousehold(t, s, map[string]any{schema.ColHeadName: "Lò Văn Sáu", schema.ColHouseholdNumber: "12"})
	b := mustBrowser(t)
	b.Do(func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		// A page in a window without focus gets no focus events: the
		// officer's has it.
		_, err := cdp.Call(ctx, tg, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return chromedp.Void{}, err
	})
	s.open(t, b)
	check := func(name, button string, mustBeTall bool) {
		t.Helper()
		shot(t, b, "ui-fold-"+name)
		got := checkInSight(t, b, button)
		shot(t, b, "ui-fold-"+name+"-end")
		if mustBeTall && !got.Tall {
			t.Errorf("%s: the form fits the screen, so this proves nothing", name)
		}
		if !got.Seen || !got.Reached || !got.AtEnd {
			t.Errorf("%s: %s on the screen at the top %v; a field under the fold reached above it %v; covers no field at the end %v",
				name, button, got.Seen, got.Reached, got.AtEnd)
		}
	}
	for name, path := range map[string]string{
		"household": "/records/households/new", "household-edit": "/records/households/" + id + "/edit",
		"member": "/records/members/new?household=" + id, "support": "/records/support_records/new?household=" + id,
	} {
		b.Do(navigate(s.url + path))
		check(name, "#save", true)
	}

	b.Do(navigate(s.url + "/households/" + id + "/visit"))
	clickAndWait(t, b, "#form-poverty_review")
	check("visit-1", "#next", false)
	fill(t, b, map[string]string{"q_area": "rural", "q_members": "4", "q_income_vnd": "1.000.000"})
	clickAndWait(t, b, "#next")
	check("visit-2", "#next", true)
	fill(t, b, deprivations())
	clickAndWait(t, b, "#next")
	check("visit-3", "#next", false)
	fill(t, b, map[string]string{"q_housing_condition": "makeshift"})
	clickAndWait(t, b, "#next")
	// The review opens at its top, the result first, the keyboard on Save.
	if at := webtest.Eval[string](b, `scrollY + " " + document.activeElement.id`); at != "0 save-visit" {
		t.Errorf("the visit's review opens scrolled to %q (scrollY, focused); want 0 save-visit", at)
	}
	check("visit-review", "#save-visit", false)
}
