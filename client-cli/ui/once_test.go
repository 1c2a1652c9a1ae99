package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"hodan/schema"
)

// hiddenOf is what the hidden fields of the form on the page at path
// hold, as a browser posts them.
func (s *site) hiddenOf(t *testing.T, c *http.Client, path string) url.Values {
	t.Helper()
	body := s.get(t, c, path)
	values := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(body, -1) {
		values.Add(m[1], m[2])
	}
	if values.Get("csrf") == "" {
		t.Fatalf("no form on %s", path)
	}
	return values
}

// TestFormSentTwiceWritesOnce: an officer who clicks Save twice (the
// browser sends the form twice, at once or one after the other) gets one
// household, and the second answer is the first's: the same page, the
// same message.
func TestFormSentTwiceWritesOnce(t *testing.T) {
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	c := s.client(t)
	form := func() url.Values {
		v := s.hiddenOf(t, c, "/records/households/new")
		v.Set(schema.ColCommuneCode, lacLuong)
		v.Set(schema.ColHeadName, "Lò Văn Sáu")
		v.Set(schema.ColHouseholdNumber, "12")
		return v
	}

	values := form()
	first := s.post(t, c, "/records/households/new", values, nil)
	second := s.post(t, c, "/records/households/new", values, nil)
	if first.StatusCode != http.StatusSeeOther || second.StatusCode != http.StatusSeeOther {
		t.Fatalf("statuses %d and %d, want 303 both", first.StatusCode, second.StatusCode)
	}
	if a, b := first.Header.Get("Location"), second.Header.Get("Location"); a != b {
		t.Errorf("the second answer goes to %q, the first to %q", b, a)
	}
	if a, b := first.Header.Values("Set-Cookie"), second.Header.Values("Set-Cookie"); len(a) == 0 || len(b) == 0 || a[len(a)-1] != b[len(b)-1] {
		t.Errorf("the second answer leaves the message %q, the first %q", b, a)
	}
	if n := count(t, s.db, schema.Households); n != 1 {
		t.Fatalf("one after the other: %d households, want 1", n)
	}

	values = form()
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i := range statuses {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, s.url+"/records/households/new", strings.NewReader(values.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", s.url)
			if resp, err := c.Do(req); err == nil {
				resp.Body.Close()
				statuses[i] = resp.StatusCode
			}
		})
	}
	wg.Wait()
	if statuses[0] != http.StatusSeeOther || statuses[1] != http.StatusSeeOther {
		t.Errorf("at once: statuses %v, want 303 both", statuses)
	}
	if n := count(t, s.db, schema.Households); n != 2 {
		t.Fatalf("at once: %d households, want 2 (one per form shown)", n)
	}
}

// TestMergeSentTwiceSaysItMerged: two clicks on a pair's merge button
// merge once, and the answer to the second (the one the browser shows)
// is the first's, the merged household, not "failed: no such household".
func TestMergeSentTwiceSaysItMerged(t *testing.T) {
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	mustHousehold(t, s, map[string]any{schema.ColHeadName: "Lò Văn Sáu", schema.ColHeadBirthYear: int64(1975), schema.ColHouseholdNumber: "12"})
	mustHousehold(t, s, map[string]any{schema.ColHeadName: "Lo Van Sau", schema.ColHeadBirthYear: int64(1975), schema.ColPhone: "0912000000"})
	c := s.client(t)
	values := s.hiddenOf(t, c, "/duplicates")
	first := s.post(t, c, "/duplicates/merge", values, nil)
	second := s.post(t, c, "/duplicates/merge", values, nil)
	if a, b := first.Header.Get("Location"), second.Header.Get("Location"); !strings.HasPrefix(a, "/households/") || a != b {
		t.Errorf("the first merge went to %q, the second to %q; want the merged household both", a, b)
	}
	if n := count(t, s.db, schema.Households); n != 1 {
		t.Errorf("%d households after merging, want 1", n)
	}
}
