package ui_test

import (
	"context"
	"database/sql"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"hodan/schema"
)

// lockDB holds the write lock of the database at path, as a long `hodan
// sync` does, until the function it returns is called.
func lockDB(t *testing.T, path string) func() {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	return func() {
		conn.ExecContext(context.Background(), "ROLLBACK")
		conn.Close()
		db.Close()
	}
}

// TestStepKeptWhenDatabaseLocked: the officer answers a step of a visit
// while another program holds the database (hodan sync in a terminal);
// the step comes back with what was typed and why it was not kept, not
// an error page that loses it.
func TestStepKeptWhenDatabaseLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hodan.db")
	s := mustApp(t, mustLaptopAt(t, mustServer(t), "Lò Văn Minh", path), 0)
	id := mustHousehold(t, s, map[string]any{schema.ColHeadName: "Lò Văn Sáu", schema.ColHouseholdNumber: "12"})
	c := s.client(t)
	begin := s.hiddenOf(t, c, "/households/"+id+"/visit")
	begin.Set("form", "poverty_review")
	resp := s.post(t, c, "/households/"+id+"/visit", begin, nil)
	draft := resp.Header.Get("Location")
	if !strings.HasPrefix(draft, "/drafts/") {
		t.Fatalf("beginning a visit went to %q", draft)
	}
	step := s.hiddenOf(t, c, draft)
	step.Set("visit_date", "04/12/2026")
	step.Set("q_area", "rural")
	step.Set("q_members", "4")
	step.Set("q_income_vnd", "1.234.567")
	step.Set("go", "next")

	unlock := lockDB(t, path)
	defer unlock()
	status, page := s.send(t, c, draft, "application/x-www-form-urlencoded", strings.NewReader(step.Encode()))
	if status != http.StatusServiceUnavailable {
		t.Errorf("a step answered while the database is held: %d, want 503", status)
	}
	if problem := regexp.MustCompile(`id="problem">[^<]*`).Find(page); !strings.Contains(string(problem), "hodan sync") {
		t.Errorf("the page does not say why: %s", problem)
	}
	for _, typed := range []string{"1.234.567", `name="q_members"`, "04/12/2026"} {
		if !strings.Contains(string(page), typed) {
			t.Errorf("the page after does not hold %s: what was typed is lost", typed)
		}
	}
}
