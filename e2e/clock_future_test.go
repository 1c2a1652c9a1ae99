package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestFutureStampDoesNotBlockCorrectLaptops is issue 14, item 2: the
// server's clock jumps three months ahead and it accepts an edit from a
// laptop whose clock is as far ahead; then the server's clock comes back.
// Laptops whose clocks are right pull the edit and go on writing and
// syncing, an edit of the future-stamped field wins everywhere, a laptop
// enrolled afterwards syncs, the operator finds the change with
// `hodan-server clock future`, and the laptop that wrote it, once its
// clock is set right, repairs its clock and syncs.
func TestFutureStampDoesNotBlockCorrectLaptops(t *testing.T) {
	srv := startServer(t, serverDB(t))
	a := enrolled(t, srv, "a", "Lò Văn Minh", lacLuong)
	b := enrolled(t, srv, "b", "Hà Thị Lan", lacLuong)
	h := a.add(t, "household", "--head-name", "Bùi Văn Thảo")
	a.sync(t)
	b.sync(t)

	clockOffset(t, "2160h") // the server's clock jumps ahead, and a's with it
	srv = srv.restart(t)
	a.run(t, "household", "set", h, "head_name=Bùi Văn Thảo (tương lai)", "poverty_status=poor")
	if sr := a.sync(t); sr.Pushed != 2 || sr.Rejected != 0 {
		t.Fatalf("a's sync with the server as far ahead: %+v", sr)
	}
	clockOffset(t, "") // the server's clock comes back; a's stays ahead for now
	srv = srv.restart(t)

	b.sync(t) // the future-stamped edit arrives
	m := b.add(t, "member", "--household-id", h, "--full-name", "Bùi Thị Hoa", "--birth-year", "1990")
	if sr := b.sync(t); sr.Pushed == 0 || sr.Rejected != 0 {
		t.Fatalf("b's sync after pulling a future stamp: %+v", sr)
	}
	b.run(t, "household", "set", h, "head_name=Bùi Văn Thảo (b)")
	b.run(t, "member", "set", m, "birth_year=1991")
	if sr := b.sync(t); sr.Pushed != 2 || sr.Rejected != 0 {
		t.Fatalf("b's edit of the future-stamped field: %+v", sr)
	}

	c := enrolled(t, srv, "c", "Đinh Văn Hùng", lacLuong)
	c.sync(t)
	c.add(t, "visit", "--household-id", h, "--purpose", "follow_up")
	if sr := c.sync(t); sr.Pushed == 0 || sr.Rejected != 0 {
		t.Fatalf("the sync of a laptop enrolled after the future stamp: %+v", sr)
	}
	if got := c.show(t, "household", h)["head_name"]; got != "Bùi Văn Thảo (b)" {
		t.Errorf("c sees head_name %v, want b's edit, which saw the future-stamped one", got)
	}

	assertFutureListed(t, srv, h)

	// a's clock is set right. Its own clock had gone three months ahead:
	// what it writes now is stamped there until the clock is repaired.
	a.sync(t)
	a.run(t, "household", "set", h, "phone=0912345678")
	if msg := a.fail(t, "hodan clock repair", "sync"); msg == "" {
		t.Fatalf("a's sync with changes stamped ahead: %q", msg)
	}
	a.run(t, "clock", "repair")
	if sr := a.sync(t); sr.Pushed != 1 || sr.Rejected != 0 {
		t.Fatalf("a's sync after the repair: %+v", sr)
	}
	b.sync(t)
	c.sync(t)
	assertConverged(t, srv, lacLuong, a, b, c)
	if got := b.show(t, "household", h)["phone"]; got != "0912345678" {
		t.Errorf("b sees phone %v, want a's repaired edit", got)
	}
}

// assertFutureListed runs `hodan-server clock future` and checks that it
// lists a's future-stamped edit of household h, in JSON and in its table.
func assertFutureListed(t *testing.T, srv *server, h string) {
	t.Helper()
	var listed []struct {
		Officer  string    `json:"officer"`
		Table    string    `json:"table"`
		RowID    string    `json:"row_id"`
		Head     string    `json:"household_head"`
		Column   string    `json:"column"`
		Received time.Time `json:"received"`
	}
	mustJSON(t, srv.run(t, "clock", "future", "--db", srv.db, "--json"), &listed)
	found := false
	for _, e := range listed {
		if e.Officer == "Lò Văn Minh" && e.Table == "households" && e.RowID == h && e.Column == "head_name" {
			found = e.Head == "Bùi Văn Thảo (b)" && !e.Received.IsZero()
		}
	}
	if !found {
		t.Fatalf("clock future --json lists %+v, not a's edit of the head's name", listed)
	}
	text := srv.run(t, "clock", "future", "--db", srv.db)
	t.Logf("hodan-server clock future:\n%s", text)
	for _, says := range []string{"Lò Văn Minh", "Bùi Văn Thảo (b)", "head_name", "conflicts resolve"} {
		if !strings.Contains(text, says) {
			t.Errorf("clock future does not say %q:\n%s", says, text)
		}
	}
}
