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
	for {
		q := url.Values{}
		q.Set("incarnation", inc)
		q.Set("after", strconv.FormatUint(cur.Seq, 10))
		q.Set("chain", cur.Chain)
		q.Set("limit", strconv.Itoa(c.pullPage()))
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
	}
}
