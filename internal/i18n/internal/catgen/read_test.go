package catgen

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestReadSortsEveryFilesMessages(t *testing.T) {
	fsys := fstest.MapFS{
		"messages/b.json": {Data: []byte(`{"z": {"vi": "cuối \"z\"", "en": "last\n"}, "a.b": {"en": "only English"}}`)},
		"messages/a.json": {Data: []byte(`{"m": {"vi": "gi\u1eefa", "en": "middle"}}`)},
	}
	got, err := Read(fsys)
	if err != nil {
		t.Fatal(err)
	}
	want := []Message{{"a.b", "", "only English"}, {"m", "giữa", "middle"}, {"z", "cuối \"z\"", "last\n"}}
	if !slices.Equal(got, want) {
		t.Errorf("Read = %q, want %q", got, want)
	}
}

// TestReadRefuses: every mistake a translator can make in a file stops
// the generator with where it is.
func TestReadRefuses(t *testing.T) {
	for name, tc := range map[string]struct {
		files map[string]string
		want  []string
	}{
		"a key in two files": {
			map[string]string{"a.json": `{"k": {"vi": "một", "en": "one"}}`, "b.json": `{"k": {"vi": "hai", "en": "two"}}`},
			[]string{`"k"`, "a.json", "b.json"},
		},
		"a key twice in a file": {
			map[string]string{"a.json": "{\n\"k\": {\"vi\": \"một\"},\n\"k\": {\"vi\": \"hai\"}\n}"},
			[]string{"messages/a.json:3:", `"k" is given twice`},
		},
		"a language twice": {
			map[string]string{"a.json": `{"k": {"vi": "một", "vi": "hai"}}`},
			[]string{"messages/a.json:1:", `"vi" is given twice`},
		},
		"a missing comma": {
			map[string]string{"a.json": "{\n  \"k\": {\"vi\": \"một\" \"en\": \"one\"}\n}"},
			[]string{"messages/a.json:2:21:"},
		},
		"a language Hodan does not speak": {
			map[string]string{"a.json": `{"k": {"vi": "một", "fr": "un"}}`},
			[]string{"messages/a.json:1:", `"k"`, `"fr"`},
		},
		"a text that is not a string": {
			map[string]string{"a.json": `{"k": {"vi": 1}}`},
			[]string{"messages/a.json:1:", "vi", "not a string"},
		},
		"a list": {map[string]string{"a.json": `["k"]`}, []string{"messages/a.json:1:", "object"}},
		"a key without texts": {
			map[string]string{"a.json": `{"k": "một"}`},
			[]string{"messages/a.json:1:", "object"},
		},
		"more after the object": {map[string]string{"a.json": `{} {}`}, []string{"messages/a.json:1:", "after the end"}},
		"an unclosed object":    {map[string]string{"a.json": `{"k": {"vi": "một"}`}, []string{"messages/a.json:1:", "closing } is missing"}},
		"no files":              {map[string]string{}, []string{"no messages/*.json"}},
	} {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for n, body := range tc.files {
				fsys["messages/"+n] = &fstest.MapFile{Data: []byte(body)}
			}
			_, err := Read(fsys)
			if err == nil {
				t.Fatal("read without an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestSourceIsStaticData(t *testing.T) {
	src, err := Source([]Message{{"a", "một \"1\"", "one\n"}})
	if err != nil {
		t.Fatal(err)
	}
	want := Header + `
package i18n

// generated is the catalogue of messages/*.json, sorted by key (Default).
var generated = Catalogue{
	{"a", "một \"1\"", "one\n"},
}
`
	if string(src) != want {
		t.Errorf("Source =\n%s\nwant\n%s", src, want)
	}
}
