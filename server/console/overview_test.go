package console_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"hodan/schema"
	"hodan/server/accounts"
	"hodan/server/console"
	"hodan/syncengine"
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
	today := schema.FormatDay(f.now())
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

// TestSupport: a household given a new house twice shows on the page of
// repeated support, by name, village and commune.
func TestSupport(t *testing.T) {
	f := mustConsole(t, false)
	f.user(t, "op.a", "Lò Văn Minh", accounts.Operator, communeA)
	l := f.laptop(t, "Lò Văn Minh", communeA)
	err := l.DB.Write(context.Background(), func(tx *syncengine.Tx) error {
		village, err := tx.Insert("villages", map[string]any{"commune_code": communeA, "name": "Bản Lướt"})
		if err != nil {
			return err
		}
		h, err := tx.Insert("households", map[string]any{"commune_code": communeA, "head_name": "Bùi Văn Thảo",
			"household_number": "17", "village_id": village.String()})
		if err != nil {
			return err
		}
		for _, program := range []string{"ntp_1719", "sustainable_poverty"} {
			if _, err := tx.Insert("support_records", map[string]any{"household_id": h.String(), "program": program,
				"kind": "new_house", "status": "delivered", "amount_vnd": 40000000, "delivered_date": "2025-03-01"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Client.Sync(context.Background(), l.DB); err != nil {
		t.Fatal(err)
	}
	body := f.login(t, "op.a").do(t, http.MethodGet, "/support", nil, nil).Body
	got := strings.Join(cells(body, `Bùi Văn Thảo<span class="muted sub">hộ số 17</span>`), " | ")
	if !strings.HasPrefix(got, "Bản Lướt | Xã Lạc Lương | ") || !strings.HasSuffix(got, "| 2 | 80.000.000 đ") {
		t.Errorf("the repeated support: %q", got)
	}
}
