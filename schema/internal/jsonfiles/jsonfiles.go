// Package jsonfiles reads a folder of JSON definition files, one value a
// file, as the forms and the poverty standards are kept: each file is
// decoded and checked, and an error names the file.
package jsonfiles

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sync"
)

// Load decodes every file of fsys that matches pattern into a new T and
// checks it with check, which is given the file's base name. what names
// one value in errors ("form": "list forms: …", "form x.json: decode: …").
func Load[T any](fsys fs.FS, pattern, what string, check func(v *T, base string) error) ([]*T, error) {
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, fmt.Errorf("list %ss: %w", what, err)
	}
	var out []*T
	for _, name := range names {
		v, err := load(fsys, name, check)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", what, path.Base(name), err)
		}
		out = append(out, v)
	}
	return out, nil
}

func load[T any](fsys fs.FS, name string, check func(v *T, base string) error) (*T, error) {
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	v := new(T)
	if err := json.Unmarshal(body, v); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return v, check(v, path.Base(name))
}

// Embedded returns a function that loads a package's embedded files with
// load the first time it is called and returns them from then on, so
// that a program that never asks for them never decodes them (nor does
// any program at start). It panics, every time, if load fails: the
// package's tests load and check the files before a release.
func Embedded[S any](load func() (S, error)) func() S {
	return sync.OnceValue(func() S {
		set, err := load()
		if err != nil {
			panic(err)
		}
		return set
	})
}
