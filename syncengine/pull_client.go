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
func (c *Client) pull(ctx context.Context, db *DB, res *SyncResult) error {
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
	go c.fetchPages(ctx, inc, cur, pages)
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
// more, a request fails, or ctx ends. It closes out.
func (c *Client) fetchPages(ctx context.Context, inc string, cur Cursor, out chan<- fetchedPage) {
	defer close(out)
	limit := c.pullPage()
	for {
		q := url.Values{}
		q.Set("incarnation", inc)
		q.Set("after", strconv.FormatUint(cur.Seq, 10))
		q.Set("chain", cur.Chain)
		q.Set("limit", strconv.Itoa(limit))
		var p fetchedPage
		p.err = c.do(ctx, http.MethodGet, PathPull+"?"+q.Encode(), nil, c.pullAnswer(&p.page))
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

// nextPullPage is the limit of the page after one asked with limit, from
// a server that takes at most maxLimit (0: it did not say): twice limit
// up to maxLimit, unless the client's BatchSize fixes it.
func (c *Client) nextPullPage(limit, maxLimit int) int {
	if c.BatchSize > 0 || maxLimit == 0 {
		return limit
	}
	return min(2*limit, maxLimit)
}
