package httpd

import (
	"testing"

	"hodan/syncengine"
)

// TestLargePagesBounded takes large pull pages up to maxLargePages at once:
// one more is cut to MaxBatch, and once a page is answered the next large
// one is read whole again.
func TestLargePagesBounded(t *testing.T) {
	s := &Server{largePages: make(chan struct{}, maxLargePages)}
	ask := func() (int, func()) {
		q := syncengine.PullQuery{Limit: MaxPullPage}
		release := s.largePage(&q)
		return q.Limit, release
	}
	var releases []func()
	for i := range maxLargePages {
		limit, release := ask()
		if limit != MaxPullPage {
			t.Fatalf("large page %d of %d: cut to %d", i+1, maxLargePages, limit)
		}
		releases = append(releases, release)
	}
	limit, release := ask()
	release()
	if limit != MaxBatch {
		t.Errorf("a large page beyond %d at once: %d changes, want %d", maxLargePages, limit, MaxBatch)
	}
	releases[0]()
	if limit, _ := ask(); limit != MaxPullPage {
		t.Errorf("a large page once one was answered: %d changes, want %d", limit, MaxPullPage)
	}
}
