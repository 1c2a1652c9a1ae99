package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// Pages are a front end's templates: every page is parsed together with
// the layouts (files whose name starts with "_"), so that each page
// defines the blocks the layout leaves open ("title", "main").
type Pages struct {
	pages map[string]*template.Template
}

// ParsePages parses every *.html file of dir in fsys, each page with the
// layouts of dir and the templates both front ends share (templates/ of
// this package: "langlink", "flash"). funcs are the functions templates
// call (the message catalogue's "t", "tflash", dates, numbers).
func ParsePages(fsys fs.FS, dir string, funcs template.FuncMap) (*Pages, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.html"))
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	var layouts, pages []string
	for _, n := range names {
		if strings.HasPrefix(path.Base(n), "_") {
			layouts = append(layouts, n)
		} else {
			pages = append(pages, n)
		}
	}
	p := &Pages{pages: map[string]*template.Template{}}
	for _, page := range pages {
		t, err := template.New(path.Base(page)).Funcs(funcs).ParseFS(fsys, append([]string{page}, layouts...)...)
		if err == nil {
			t, err = t.ParseFS(shared, "templates/*.html")
		}
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", page, err)
		}
		p.pages[strings.TrimSuffix(path.Base(page), ".html")] = t
	}
	return p, nil
}

// Render writes page with data as an HTML answer with status. The page is
// rendered into a buffer first: a template error is an error, never half a
// page.
func (p *Pages) Render(w http.ResponseWriter, status int, page string, data any) error {
	t, ok := p.pages[page]
	if !ok {
		return fmt.Errorf("render: no page %q", page)
	}
	return write(w, status, page, t, data)
}

// RenderWith is Render with funcs bound for this answer only (the
// catalogue's "t" in the visitor's language): the page is cloned with
// them. A front end that renders with RenderWith must never call Render:
// a template once executed can no longer be cloned.
func (p *Pages) RenderWith(w http.ResponseWriter, status int, page string, funcs template.FuncMap, data any) error {
	t, ok := p.pages[page]
	if !ok {
		return fmt.Errorf("render: no page %q", page)
	}
	t, err := t.Clone()
	if err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	return write(w, status, page, t.Funcs(funcs), data)
}

func write(w http.ResponseWriter, status int, page string, t *template.Template, data any) error {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}
