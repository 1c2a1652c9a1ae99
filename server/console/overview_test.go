package console_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"hodan/server/accounts"
	"hodan/server/console"
)

// cells reads the text of each cell of the row of a table headed name.
func cells(body, name string) []string {
	row := regexp.MustCompile(`(?s)<tr[^>]*>\s*<th scope="row">` + regexp.QuoteMeta(name) + `</th>(.*?)</tr>`).FindStringSubmatch(body)
	if row == nil {
		return nil
	}
	var out []string
	for _, m := range regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`).FindAllStringSubmatch(row[1], -1) {
		out = append(out, strings.Join(strings.Fields(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], " ")), " "))
	}
	return out
}

// TestOverviewAndLaptops: an operator sees the communes of their account
// only, with households, laptops, freshness and silent laptops counted,
// and each laptop's refused changes.
func TestOverviewAndLaptops(t *testing.T) {
	f := mustConsole(t, false)
	f.user(t, "op.a", "Lò Văn Minh", accounts.Operator, communeA)
	a := f.laptop(t, "Lò Văn Minh", communeA)
	a.households(t, communeA, "Bùi Văn Thảo", "Lò Thị Mai")
	a.households(t, communeB, "Ngoài Xã") // refused: outside the laptop's communes
	f.laptop(t, "Hà Thị Lan", communeB).households(t, communeB, "Vì Văn Páo")
	f.laptop(t, "Vàng A Dình", communeA)
	c := f.login(t, "op.a")

	body := c.do(t, http.MethodGet, "/overview", nil, nil).Body
	if strings.Contains(body, console.CommuneName(communeB)) {
		t.Error("an operator of commune A sees commune B")
	}
	today := console.Day(f.now())
	if got := strings.Join(cells(body, "Xã Lạc Lương"), " | "); got != "2 | 2 | "+today+" (hôm nay) | 0 | 0" {
		t.Errorf("commune A: %s", got)
	}
	f.advance(console.SilentAfter + 24*time.Hour)
	c = f.login(t, "op.a") // the session ended, idle
	body = c.do(t, http.MethodGet, "/overview", nil, nil).Body
	if got := strings.Join(cells(body, "Xã Lạc Lương"), " | "); got != "2 | 2 | "+today+" (15 ngày trước) | 2 | 0" {
		t.Errorf("commune A 15 days on: %s", got)
	}

	laptops := c.do(t, http.MethodGet, "/laptops", nil, nil).Body
	if strings.Contains(laptops, "Hà Thị Lan") {
		t.Error("an operator of commune A sees commune B's laptop")
	}
	minh := cells(laptops, "Lò Văn Minh")
	if len(minh) < 5 || minh[0] != "Xã Lạc Lương" || minh[3] != "1" || minh[4] != "im lặng quá 14 ngày" {
		t.Errorf("Lò Văn Minh's laptop: %q", minh)
	}
	if dinh := cells(laptops, "Vàng A Dình"); len(dinh) < 3 || dinh[2] != "chưa bao giờ" {
		t.Errorf("the laptop that never synced: %q", dinh)
	}
}
