package syncengine

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// pull fetches pages after the stored cursor until the server has no
// more. The next page is fetched while this one is merged: each page is
// asked for from the cursor the previous one ended at, as one after the
// other would, and the pages are merged in order, each with its cursor in
// its own transaction, so what is stored is what a sequential pull would
// store. A failed merge or request stops the pull after the pages merged
// before it; the page fetched ahead is dropped. The server's reading and
// the network's transfer of a page then overlap the laptop's merge of the
// last: a new laptop pulling a commune (29 pages) waits for the larger of
// the two, not their sum.
//
// A client far behind asks for larger pages as it goes, up to the
// largest the server says it takes (PullResponse.MaxLimit): each page
// twice the last, from DefaultPullPage. The first page comes as soon as
// before, so the merge starts as early; later pages, read by the server
// while the laptop merges the one before, cost fewer requests and list
// the ids of a member's household once for more members (a commune's
// bootstrap: 29 pages → 9, 315 KB → 289 KB of HC2 gzipped).
//
// early, if not nil, is the first page asked for before the push
// (fetchEarly): it is merged first if it was asked from the cursor and
// for the site the pull finds, and dropped otherwise.
func (c *Client) pull(ctx context.Context, db *DB, res *SyncResult, early *earlyPage) error {
	inc, cur, err := db.PullCursor(ctx)
	if err != nil {
		return err
	}
	if inc == "" && !c.NoSnapshot {
		if err := c.bootstrap(ctx, db, res); err != nil {
			return err
		}
		if inc, cur, err = db.PullCursor(ctx); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	pages := make(chan fetchedPage)
	go c.fetchPages(ctx, inc, cur, early.take(db.Site(), inc, cur), pages)
	defer func() {
		cancel()
		for range pages { // the fetcher has ended once it closed pages
		}
	}()
	for p := range pages {
		if p.err != nil {
			return p.err
		}
		n, err := db.ApplyPulled(ctx, p.page.Changes, p.page.Incarnation, p.page.Next)
		if err != nil {
			return err
		}
		res.Pulled += n
		res.ServerTime = time.UnixMilli(p.page.ServerTime)
		c.progress(Progress{Phase: "pull", Done: res.Pulled})
		if !p.page.More {
			break
		}
	}
	return nil
}

// fetchedPage is a pull page, or the error of asking for it.
type fetchedPage struct {
	page PullResponse
	err  error
}

// fetchPages asks for pages one after the other, each from the cursor the
// last ended at, and sends each on out, until a page says there is no
// more, a request fails, or ctx ends. It closes out. first, if not nil,
// is the first page, already fetched (fetchEarly).
func (c *Client) fetchPages(ctx context.Context, inc string, cur Cursor, first *PullResponse, out chan<- fetchedPage) {
	defer close(out)
	limit := c.pullPage()
	for {
		var p fetchedPage
		if first != nil {
			p.page, first = *first, nil
		} else {
			p.err = c.askPage(ctx, inc, cur, limit, &p.page)
		}
		select {
		case out <- p:
		case <-ctx.Done():
			return
		}
		if p.err != nil || !p.page.More {
			return
		}
		inc, cur = p.page.Incarnation, p.page.Next
		limit = c.nextPullPage(limit, p.page.MaxLimit)
	}
}

// askPage asks the server for the page of at most limit changes after
// cur of incarnation inc.
func (c *Client) askPage(ctx context.Context, inc string, cur Cursor, limit int, page *PullResponse) error {
	q := url.Values{}
	q.Set("incarnation", inc)
	q.Set("after", strconv.FormatUint(cur.Seq, 10))
	q.Set("chain", cur.Chain)
	q.Set("limit", strconv.Itoa(limit))
	return c.do(ctx, http.MethodGet, PathPull+"?"+q.Encode(), nil, c.pullAnswer(page))
}

// earlyPage is the first pull page, asked for while the push runs, from
// the cursor stored when the sync began.
type earlyPage struct {
	site   SiteID
	inc    string
	cur    Cursor
	page   PullResponse
	err    error
	done   chan struct{} // closed when page or err is set
	cancel context.CancelFunc
}

// fetchEarly asks for the pull's first page, before the push, from the
// cursor stored now; it returns nil for a replica that has never pulled
// (its pull may start from a snapshot) or whose cursor cannot be read
// (the pull reads it again and says why). It asks with a copy of the
// client: a fork during the push changes the client's token and key, and
// the page is then dropped (take). The simulation asks before the push
// starts (Client.sequential), so that a schedule replays alike.
func (c *Client) fetchEarly(ctx context.Context, db *DB) *earlyPage {
	inc, cur, err := db.PullCursor(ctx)
	if err != nil || inc == "" {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	e := &earlyPage{site: db.Site(), inc: inc, cur: cur, done: make(chan struct{}), cancel: cancel}
	asker := *c
	ask := func() {
		defer close(e.done)
		e.err = asker.askPage(ctx, inc, cur, asker.pullPage(), &e.page)
	}
	if c.sequential {
		ask()
	} else {
		go ask()
	}
	return e
}

// take waits for the early page and returns it if it was asked for site
// from inc and cur and came; nil otherwise, and the pull asks again.
func (e *earlyPage) take(site SiteID, inc string, cur Cursor) *PullResponse {
	if e == nil || e.site != site || e.inc != inc || e.cur != cur {
		return nil
	}
	<-e.done
	if e.err != nil {
		return nil
	}
	return &e.page
}

// stop drops the early page, if it is still being asked for, and waits
// for its request to end. It may be called on nil.
func (e *earlyPage) stop() {
	if e != nil {
		e.cancel()
		<-e.done
	}
}

// nextPullPage is the limit of the page after one asked with limit, from
// a server that takes at most maxLimit (0: it did not say): twice limit
// up to maxLimit, unless the client's BatchSize fixes it.
func (c *Client) nextPullPage(limit, maxLimit int) int {
	if c.BatchSize > 0 || maxLimit == 0 {
		return limit
	}
	return min(2*limit, maxLimit)
}
