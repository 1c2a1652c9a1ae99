package i18n

import (
	"encoding/json"
	"io/fs"
	"reflect"
	"testing"
)

// TestParseFileReadsAsEncodingJSON holds the catalogue's reader to
// encoding/json on every embedded file and on the strings a catalogue may
// hold: where the reader answers, its answer is encoding/json's.
func TestParseFileReadsAsEncodingJSON(t *testing.T) {
	names, err := fs.Glob(files, "messages/*.json")
	if err != nil || len(names) == 0 {
		t.Fatalf("no catalogue files: %v", err)
	}
	for _, name := range names {
		body, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatal(err)
		}
		p := catalogueParser{b: string(body)}
		if _, ok := p.file(); !ok {
			t.Errorf("%s: the reader left the file to encoding/json; keep the catalogue's shape", name)
		}
		sameAsJSON(t, body)
	}
	for _, body := range []string{
		`{}`,
		` { "a" : { "vi" : "x" , "en" : "y" } } `,
		`{"a":{"vi":"dòng 1\ndòng 2\t\"trích\" \\ \/ \b\f\r"}}`,
		`{"a":{"vi":"\u0110\u1ea1i \u00e0 \ud83d\ude00"}}`,
		`{"a":{"vi":"x"},"a":{"en":"y"}}`,
		`{"a":{}}`,
		`{"a":{"vi":"lone \ud83d here"}}`,
		`{"a":{"vi":"\udc00"}}`,
		`{"a":{"vi":"bad \x escape"}}`,
		`{"a":{"vi":1}}`,
		`{"a":{"vi":null}}`,
		`{"a":{"vi":"x"}} trailing`,
		`{"a":{"vi":"x"},}`,
		"{\"a\":{\"vi\":\"tab\tinside\"}}",
		"{\"a\":{\"vi\":\"\xff\"}}",
		`{"a":{"vi":"\u00zz"}}`,
		`[]`,
		``,
	} {
		sameAsJSON(t, []byte(body))
	}
}

// sameAsJSON checks parseFile against encoding/json on body.
func sameAsJSON(t *testing.T, body []byte) {
	t.Helper()
	got, gotErr := parseFile(body)
	var want map[string]map[Lang]string
	wantErr := json.Unmarshal(body, &want)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("%q: reader says %v, encoding/json %v", body, gotErr, wantErr)
	}
	if wantErr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: reader read %q, encoding/json %q", body, got, want)
	}
}

// FuzzParseFile looks for a file the reader reads otherwise than
// encoding/json.
func FuzzParseFile(f *testing.F) {
	f.Add([]byte(`{"a":{"vi":"x\u00e0\n","en":"y"}}`))
	f.Add([]byte(`{"k":{"vi":"\ud83d\ude00 \"q\""}}`))
	f.Fuzz(func(t *testing.T, body []byte) { sameAsJSON(t, body) })
}

// BenchmarkLoad is the catalogue's reading, which every command pays once
// before it says anything.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(files); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadEncodingJSON is BenchmarkLoad's baseline: the same files
// read by encoding/json, as Load did before the catalogue's own reader.
func BenchmarkLoadEncodingJSON(b *testing.B) {
	names, err := fs.Glob(files, "messages/*.json")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		for _, name := range names {
			body, err := fs.ReadFile(files, name)
			if err != nil {
				b.Fatal(err)
			}
			var file map[string]map[Lang]string
			if err := json.Unmarshal(body, &file); err != nil {
				b.Fatal(err)
			}
		}
	}
}
