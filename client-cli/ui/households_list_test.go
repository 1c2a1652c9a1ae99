package ui_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"hodan/ops"
	"hodan/schema"
)

// get is the body of the page at path, read with c; it fails t unless
// the page answers 200.
func (s *site) get(t testing.TB, c *http.Client, path string) string {
	t.Helper()
	resp, err := c.Get(s.url + path)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	return string(body)
}

// send posts body, of type kind, to path with c from the app's own page
// (Origin set), and returns the answer's status and page.
func (s *site) send(t testing.TB, c *http.Client, path, kind string, body io.Reader) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.url+path, body)
	req.Header.Set("Content-Type", kind)
	req.Header.Set("Origin", s.url)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, page
}

// TestHouseholdListSaysWhatIsNotRecorded: a household not classified yet,
// with no housing recorded, says so in the list's columns rather than
// leaving them empty (an officer reads an empty cell as a page broken).
func TestHouseholdListSaysWhatIsNotRecorded(t *testing.T) {
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	mustHousehold(t, s, map[string]any{schema.ColHeadName: "Lò Văn Sáu", schema.ColHouseholdNumber: "12"})
	page := s.get(t, s.client(t), "/households")
	row := regexp.MustCompile(`(?s)<tr><td class="num">12</td>.*?</tr>`).FindString(page)
	if row == "" {
		t.Fatalf("no row of household 12 in:\n%s", page)
	}
	cells := regexp.MustCompile(`<td[^>]*>(.*?)</td>`).FindAllStringSubmatch(row, -1)
	status, housing := cells[len(cells)-2][1], cells[len(cells)-1][1]
	if !strings.Contains(status, "Chưa phân loại") {
		t.Errorf("the poverty status of a household not classified: %q, want Chưa phân loại", status)
	}
	if !strings.Contains(housing, "Chưa ghi") {
		t.Errorf("the housing of a household without it: %q, want Chưa ghi", housing)
	}
}

// BenchmarkHouseholdListPage reads the first page, and a page found by a
// search, of the list of a commune of 3,000 households.
func BenchmarkHouseholdListPage(b *testing.B) {
	s := mustApp(b, mustLaptop(b, mustServer(b), "Lò Văn Minh"), 0)
	for i := range 3000 {
		mustHousehold(b, s, map[string]any{schema.ColHeadName: fmt.Sprintf("Lò Văn Sáu %d", i), schema.ColHouseholdNumber: fmt.Sprint(i + 1)})
	}
	c := s.client(b)
	if page := s.get(b, c, "/households"); !strings.Contains(page, "3.000") {
		b.Fatalf("the list does not say it found 3.000 households")
	}
	for _, path := range []string{"/households", "/households?page=29", "/households?q=sau+29"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				s.get(b, c, path)
			}
		})
	}
}

// TestHouseholdPageMarksEmptyCells: a member recorded with a name alone
// shows, in the household's table of members, a dash and "Chưa ghi" for
// screen readers where a field is not recorded, not an empty cell.
func TestHouseholdPageMarksEmptyCells(t *testing.T) {
	s := mustApp(t, mustLaptop(t, mustServer(t), "Lò Văn Minh"), 0)
	id := mustHousehold(t, s, map[string]any{schema.ColHeadName: "Lò Văn Sáu", schema.ColHouseholdNumber: "12"})
	dev, _ := ops.LoadDevice(context.Background(), s.db)
	if _, err := ops.AddRecord(context.Background(), s.db, dev.Actor(), schema.Members,
		map[string]any{schema.ColHouseholdID: id, schema.ColFullName: "Lò Thị Hoa"}, ops.Day{}); err != nil {
		t.Fatal(err)
	}
	page := s.get(t, s.client(t), "/households/"+id)
	row := regexp.MustCompile(`(?s)<tr><th scope="row"><a href="/records/members/[^"]+">Lò Thị Hoa</a>.*?</tr>`).FindString(page)
	if row == "" {
		t.Fatalf("no row of the member in:\n%s", page)
	}
	if empty := regexp.MustCompile(`<td>\s*</td>`).FindString(row); empty != "" || !strings.Contains(row, "Chưa ghi") {
		t.Errorf("the member's row leaves cells empty: %s", row)
	}
}
