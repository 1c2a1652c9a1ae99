package httpd_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"hodan/server/httpd"
	"hodan/syncengine"
)

// pullQuery is the query string of a pull after cursor cur.
func pullQuery(incarnation string, cur syncengine.Cursor, limit int) string {
	q := url.Values{}
	q.Set("incarnation", incarnation)
	q.Set("after", strconv.FormatUint(cur.Seq, 10))
	q.Set("chain", cur.Chain)
	q.Set("limit", strconv.Itoa(limit))
	return q.Encode()
}

// pullFixture is a server holding the changes of two devices of commune A
// and one of commune B; reader is a third device of A that pulls.
type pullFixture struct {
	ts         *testServer
	reader     *device
	writerA    []syncengine.Change // what the other device of A pushed
	readerOwn  []syncengine.Change // what reader itself pushed
	writerB    []syncengine.Change // what the device of B pushed
	households map[syncengine.RowID]string
}

func mustPullFixture(t *testing.T) *pullFixture {
	t.Helper()
	ctx := context.Background()
	f := &pullFixture{ts: mustServer(t, nil), households: map[syncengine.RowID]string{}}
	f.reader = mustDevice(t, f.ts, communeA)
	wa, wb := mustDevice(t, f.ts, communeA), mustDevice(t, f.ts, communeB)
	for i := 0; i < 3; i++ {
		f.households[mustHousehold(t, wa.DB, communeA, fmt.Sprintf("Hộ A%d", i))] = communeA
		f.households[mustHousehold(t, wb.DB, communeB, fmt.Sprintf("Hộ B%d", i))] = communeB
	}
	f.households[mustHousehold(t, f.reader.DB, communeA, "Hộ của máy đọc")] = communeA
	// Interleave the devices' pushes so that the log mixes communes.
	for _, d := range []*device{wa, wb, f.reader} {
		if _, err := d.Client.Sync(ctx, d.DB); err != nil {
			t.Fatalf("sync: %v", err)
		}
	}
	f.writerA, f.writerB, f.readerOwn = mustOwnChanges(t, wa.DB), mustOwnChanges(t, wb.DB), mustOwnChanges(t, f.reader.DB)
	return f
}

// mustPullAll follows the cursor from the start, limit changes a page, and
// returns every change and the number of pages.
func (f *pullFixture) mustPullAll(t *testing.T, limit int) ([]syncengine.Change, int) {
	t.Helper()
	var all []syncengine.Change
	inc, cur := "", syncengine.Cursor{}
	for pages := 1; ; pages++ {
		page := f.ts.mustPull(t, f.reader.Token, pullQuery(inc, cur, limit))
		if page.Reset || len(page.Changes) > limit || page.Incarnation != f.ts.DB.Incarnation() {
			t.Fatalf("page %d: reset %v, %d changes (limit %d), incarnation %q", pages, page.Reset, len(page.Changes), limit, page.Incarnation)
		}
		if page.More && len(page.Changes) != limit {
			t.Errorf("page %d: more with %d changes, limit %d", pages, len(page.Changes), limit)
		}
		all = append(all, page.Changes...)
		inc, cur = page.Incarnation, page.Next
		if !page.More {
			return all, pages
		}
		if pages > 100 {
			t.Fatal("pull never ends")
		}
	}
}

func TestPullPagesThroughTheCommunesOfTheDevice(t *testing.T) {
	t.Parallel()
	f := mustPullFixture(t)
	want := len(f.writerA)
	tests := []struct {
		limit     int
		wantPages int
	}{
		{1, want + 1}, // the last full page says more, the next one is empty
		{4, want/4 + 1},
		{want - 1, 2},
		{want, 2},
		{want + 1, 1},
		{5000, 1},
	}
	for _, tt := range tests {
		t.Run("limit "+strconv.Itoa(tt.limit), func(t *testing.T) {
			got, pages := f.mustPullAll(t, tt.limit)
			if pages != tt.wantPages {
				t.Errorf("%d pages, want %d", pages, tt.wantPages)
			}
			if len(got) != want {
				t.Fatalf("pulled %d changes, want the %d of the other device of %s", len(got), want, communeA)
			}
			for i, c := range got {
				if c != f.writerA[i] {
					t.Errorf("change %d = %+v, want %+v", i, c, f.writerA[i])
				}
				if c.Site == f.reader.Site() || c.Scope != communeA || f.households[c.Row] == communeB {
					t.Errorf("change %d of site %s, scope %s: a device gets neither its own changes nor another commune's", i, c.Site, c.Scope)
				}
			}
		})
	}
}

func TestPullNeverReturnsAnotherCommune(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustPullFixture(t)
	// The Client pulls everything of A but its own, and nothing of B.
	if _, err := f.reader.Client.Sync(ctx, f.reader.DB); err != nil {
		t.Fatalf("sync: %v", err)
	}
	for id, commune := range f.households {
		var n int
		if err := f.reader.DB.SQL().QueryRowContext(ctx, `SELECT count(*) FROM households WHERE id = ?`, id.String()).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if want := map[string]int{communeA: 1, communeB: 0}[commune]; n != want {
			t.Errorf("the reader holds %d copies of household %s of %s, want %d", n, id, commune, want)
		}
	}
	if got, want := mustDigest(t, f.reader.DB, communeA), mustDigest(t, f.ts.DB, communeA); got != want {
		t.Errorf("reader digest of %s = %s, server's %s", communeA, got, want)
	}
	// The digest of B is not the reader's to ask for.
	before := mustState(t, f.ts.DB)
	resp := f.ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathDigest + "?commune=" + communeB, Auth: bearer(f.reader.Token)})
	assertError(t, resp, http.StatusForbidden, syncengine.CodeOutOfScope)
	resp = f.ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathDigest, Auth: bearer(f.reader.Token)})
	assertError(t, resp, http.StatusBadRequest, syncengine.CodeBadRequest)
	assertUnchanged(t, f.ts.DB, before)
}

func TestPullOfADeviceOfTwoCommunes(t *testing.T) {
	t.Parallel()
	f := mustPullFixture(t)
	both := mustDevice(t, f.ts, communeB, communeA)
	page := f.ts.mustPull(t, both.Token, pullQuery("", syncengine.Cursor{}, 5000))
	if want := len(f.writerA) + len(f.writerB) + len(f.readerOwn); len(page.Changes) != want || page.More {
		t.Fatalf("pulled %d changes (more %v), want all %d", len(page.Changes), page.More, want)
	}
	// In log order: each origin's changes in sequence.
	last := map[syncengine.SiteID]uint64{}
	for _, c := range page.Changes {
		if c.Seq != last[c.Site]+1 {
			t.Errorf("change #%d of %s follows #%d", c.Seq, c.Site, last[c.Site])
		}
		last[c.Site] = c.Seq
	}
}

func TestPullResetsOnACursorOfAnotherLog(t *testing.T) {
	t.Parallel()
	f := mustPullFixture(t)
	inc := f.ts.DB.Incarnation()
	first := f.ts.mustPull(t, f.reader.Token, pullQuery(inc, syncengine.Cursor{}, 2))
	if !first.More || len(first.Changes) != 2 {
		t.Fatalf("first page: %+v", first)
	}
	cur := first.Next
	tests := []struct {
		name        string
		incarnation string
		cursor      syncengine.Cursor
		reset       bool
	}{
		{"the cursor as given", inc, cur, false},
		{"another incarnation", "another-incarnation", cur, true},
		{"another chain at that position", inc, syncengine.Cursor{Seq: cur.Seq, Chain: strings.Repeat("ab", 16)}, true},
		{"the chain of another position", inc, syncengine.Cursor{Seq: cur.Seq - 1, Chain: cur.Chain}, true},
		{"no chain", inc, syncengine.Cursor{Seq: cur.Seq}, true},
		{"beyond the end of the log", inc, syncengine.Cursor{Seq: 1 << 40, Chain: cur.Chain}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := f.ts.mustPull(t, f.reader.Token, pullQuery(tt.incarnation, tt.cursor, 2))
			if page.Reset != tt.reset {
				t.Errorf("reset = %v, want %v", page.Reset, tt.reset)
			}
			want := f.writerA[2:4] // continues after the first page
			if tt.reset {
				want = f.writerA[:2] // starts again from the beginning
			}
			if len(page.Changes) != len(want) {
				t.Fatalf("%d changes, want %d", len(page.Changes), len(want))
			}
			for i := range want {
				if page.Changes[i] != want[i] {
					t.Errorf("change %d = #%d of %s, want #%d of %s", i, page.Changes[i].Seq, page.Changes[i].Site, want[i].Seq, want[i].Site)
				}
			}
			if page.Incarnation != inc {
				t.Errorf("incarnation = %q, want %q", page.Incarnation, inc)
			}
		})
	}
}

func TestPullRefusesBadQueries(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	dev := mustDevice(t, ts, communeA)
	tests := []struct {
		name  string
		query string
	}{
		{"limit zero", "limit=0"},
		{"negative limit", "limit=-1"},
		{"limit above MaxPullPage", "limit=" + strconv.Itoa(httpd.MaxPullPage+1)},
		{"limit not a number", "limit=ten"},
		{"fractional limit", "limit=1.5"},
		{"negative after", "after=-1"},
		{"after not a number", "after=x"},
		{"chain not hex", "chain=laptop-7"},
		{"chain too long", "chain=" + strings.Repeat("ab", 33)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathPull + "?" + tt.query, Auth: bearer(dev.Token)})
			assertError(t, resp, http.StatusBadRequest, syncengine.CodeBadRequest)
		})
	}
	// An empty log answers an empty list, not null.
	resp := ts.send(t, request{Method: http.MethodGet, Path: syncengine.PathPull + "?limit=5000", Auth: bearer(dev.Token)})
	if resp.Status != http.StatusOK || !bytes.Contains(resp.Body, []byte(`"changes":[]`)) {
		t.Errorf("pull of an empty log: HTTP %d %s", resp.Status, resp.Body)
	}
}

// pullCounter counts the pull requests a client makes.
type pullCounter struct{ pulls atomic.Int32 }

func (p *pullCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == syncengine.PathPull {
		p.pulls.Add(1)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestPullPagesAreLargeByDefault: a client that sets no batch size pulls
// pages of DefaultPullPage changes, not of the push batch's size; one that
// sets it pulls pages of that size.
func TestPullPagesAreLargeByDefault(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	writer := mustDevice(t, ts, communeA)
	mustWrite(t, writer.DB, func(tx *syncengine.Tx) error {
		for i := 0; i < 300; i++ {
			if _, err := tx.Insert("households", map[string]any{"commune_code": communeA, "head_name": fmt.Sprintf("Hộ %d", i), "head_birth_year": 1979}); err != nil {
				return err
			}
		}
		return nil
	})
	res := mustSyncResult(t, writer)
	if res.Pushed <= syncengine.DefaultBatchSize || res.Pushed > syncengine.DefaultPullPage {
		t.Fatalf("pushed %d changes; the test needs more than one push batch and at most one pull page", res.Pushed)
	}
	for _, tc := range []struct {
		batch, pulls int
	}{{0, 1}, {syncengine.DefaultBatchSize, 2}} {
		counter := &pullCounter{}
		reader := mustDevice(t, ts, communeA)
		reader.Client.HTTP = &http.Client{Transport: counter}
		reader.Client.BatchSize, reader.Client.NoSnapshot = tc.batch, true
		if got := mustSyncResult(t, reader).Pulled; got != res.Pushed {
			t.Fatalf("batch %d: pulled %d of %d changes", tc.batch, got, res.Pushed)
		}
		if got := int(counter.pulls.Load()); got != tc.pulls {
			t.Errorf("batch %d: %d pull requests, want %d", tc.batch, got, tc.pulls)
		}
	}
}
