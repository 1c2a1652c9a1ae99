package i18n

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"hodan/internal/i18n/internal/catgen"
)

// TestGeneratedCatalogueIsCurrent fails when catalogue_gen.go is not what
// the generator makes of messages/*.json: a message file edited without
// go generate.
func TestGeneratedCatalogueIsCurrent(t *testing.T) {
	want, err := catgen.Generate(os.DirFS("."))
	if err != nil {
		t.Fatalf("the message files: %v", err)
	}
	got, err := os.ReadFile("catalogue_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		gotLines, wantLines := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		n := 0
		for n < min(len(gotLines), len(wantLines)) && gotLines[n] == wantLines[n] {
			n++
		}
		t.Fatalf("catalogue_gen.go is not what messages/*.json make (first difference on line %d): run go generate ./internal/i18n", n+1)
	}
}

func TestCatalogueLookup(t *testing.T) {
	cat := Catalogue{{"a", "một", "one"}, {"b.x", "hai", ""}, {"b.y", "", ""}, {"c", "ba", "three"}}
	for _, tc := range []struct {
		l         Lang
		key, want string
	}{
		{EN, "a", "one"}, {VI, "a", "một"}, {EN, "b.x", "hai"}, {EN, "b.y", "[b.y]"},
		{VI, "c", "ba"}, {EN, "0", "[0]"}, {EN, "bb", "[bb]"}, {EN, "d", "[d]"},
	} {
		if got := cat.Text(tc.l, tc.key); got != tc.want {
			t.Errorf("Text(%s, %q) = %q, want %q", tc.l, tc.key, got, tc.want)
		}
	}
	for prefix, want := range map[string]bool{"": true, "a": true, "b.": true, "b.y": true, "b.z": false, "bb": false, "d": false} {
		if got := cat.HasPrefix(prefix); got != want {
			t.Errorf("HasPrefix(%q) = %v, want %v", prefix, got, want)
		}
	}
	if got, want := cat.Missing(), []string{"b.x (en)", "b.y (en)", "b.y (vi)"}; !slices.Equal(got, want) {
		t.Errorf("Missing() = %q, want %q", got, want)
	}
}

// TestDefaultIsSorted: Lookup's binary search needs the generated
// catalogue in key order, one message a key.
func TestDefaultIsSorted(t *testing.T) {
	cat := Default()
	for i := 1; i < len(cat); i++ {
		if cat[i-1].Key >= cat[i].Key {
			t.Fatalf("keys %q and %q are out of order", cat[i-1].Key, cat[i].Key)
		}
	}
	for _, m := range cat {
		if got, ok := cat.Lookup(m.Key); !ok || got != m {
			t.Fatalf("Lookup(%q) = %v, %v", m.Key, got, ok)
		}
	}
}

// BenchmarkText is a lookup in the catalogue, which every message a
// command says pays.
func BenchmarkText(b *testing.B) {
	cat := Default()
	keys := make([]string, 0, 64)
	for i := 0; i < len(cat); i += len(cat) / 64 {
		keys = append(keys, cat[i].Key)
	}
	for b.Loop() {
		for _, k := range keys {
			_ = cat.Text(EN, k)
		}
	}
}
