package web

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed static
var static embed.FS

// shared holds the templates both front ends' pages are parsed with
// (ParsePages).
//
//go:embed templates
var shared embed.FS

// Static serves the shared stylesheet and scripts under prefix (e.g.
// "/static/"): base.css, and whatever a front end adds with extra (its
// own files, served under the same prefix; extra may be nil). Assets are
// revalidated on every load: a laptop updated to a new hodan must not
// show the old stylesheet.
func Static(prefix string, extra fs.FS) http.Handler {
	shared, _ := fs.Sub(static, "static") // static is embedded: never fails
	fsys := shared
	if extra != nil {
		fsys = layered{extra, shared}
	}
	files := http.StripPrefix(prefix, http.FileServerFS(fsys))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

// layered is a file system that looks in top, then in bottom.
type layered struct{ top, bottom fs.FS }

func (l layered) Open(name string) (fs.File, error) {
	if f, err := l.top.Open(name); err == nil {
		return f, nil
	}
	return l.bottom.Open(name)
}
