package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// readCSV reads a UTF-8 CSV file and checks that its header is exactly want.
func readCSV(path string, want ...string) ([][]string, error) {
	return readCSVNote(path, false, want...)
}

// readCSVNote is readCSV for a file whose last column is a free-text note
// that may hold an unquoted comma: extra fields are joined back into it.
func readCSVNote(path string, noteLast bool, want ...string) ([][]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", filepath.Base(path), err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], want) {
		return nil, fmt.Errorf("%s: header is not %q", filepath.Base(path), want)
	}
	for i, rec := range recs {
		n := len(want)
		if len(rec) > n && noteLast {
			recs[i] = append(rec[:n-1], strings.Join(rec[n-1:], ","))
		} else if len(rec) != n {
			return nil, fmt.Errorf("%s: record %d has %d fields, want %d", filepath.Base(path), i+1, len(rec), n)
		}
	}
	return recs[1:], nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("parse %s: %w", filepath.Base(path), err)
	}
	return nil
}

func writeTable(path string, t table) error {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write(t.header)
	cw.WriteAll(t.rows) // WriteAll flushes; errors of a bytes.Buffer surface here
	if err := cw.Error(); err != nil {
		return fmt.Errorf("encode %s: %w", t.file, err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", t.file, err)
	}
	return nil
}
