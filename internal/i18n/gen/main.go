// Command gen writes internal/i18n/catalogue_gen.go from the catalogue's
// JSON files, internal/i18n/messages/*.json, which translators edit. Run
// it after editing them:
//
//	go generate ./internal/i18n
//
// It fails, writing nothing, on a file that is not a catalogue (naming the
// file, line and column), a language other than vi and en, or a key
// defined twice (naming both places). The output is the same for the same
// files; i18n's tests fail when the committed file is not current.
package main

import (
	"fmt"
	"os"

	"hodan/internal/i18n/internal/catgen"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "i18n gen: %v\n", err)
		os.Exit(1)
	}
}

// run generates the catalogue of the messages/ folder of the working
// directory (go generate runs in internal/i18n).
func run() error {
	src, err := catgen.Generate(os.DirFS("."))
	if err != nil {
		return err
	}
	// Everything is checked before the file is touched: a bad message file
	// leaves the old catalogue in place.
	if err := os.WriteFile("catalogue_gen.go", src, 0o644); err != nil {
		return fmt.Errorf("write the catalogue: %w", err)
	}
	return nil
}
