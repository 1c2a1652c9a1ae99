package httpd

import "hodan/syncengine"

// Pull pages larger than MaxBatch, for a device far behind (a new laptop
// pulling its commune): it asks for each page twice as large as the last,
// up to the PullResponse.MaxLimit the server names (syncengine's
// Client.pull), and so makes fewer requests, and lists a household's id
// once for more of its members' changes.
//
// Such a page is read whole into memory before it is answered, about 200
// bytes a change and scope: MaxPullPage changes is a few megabytes. At most
// maxLargePages of them are read at once; a request for one more is
// answered a page of MaxBatch, as a device that asked for that (it asks
// on from the cursor the page ends at, as after any page).
const (
	// MaxPullPage is the largest pull page the server answers.
	MaxPullPage = 20000
	// maxLargePages bounds the pull pages larger than MaxBatch the server
	// reads at once.
	maxLargePages = 4
)

// pullLimit is the largest pull page this server answers.
func (s *Server) pullLimit() int {
	if s.cfg.NoHC2 {
		return MaxBatch
	}
	return MaxPullPage
}

// largePage takes a token for the large page q asks for, or, when none is
// free, makes q ask for MaxBatch changes. The caller calls release once
// the page is answered.
func (s *Server) largePage(q *syncengine.PullQuery) (release func()) {
	select {
	case s.largePages <- struct{}{}:
		return func() { <-s.largePages }
	default:
		q.Limit = MaxBatch
		return func() {}
	}
}
