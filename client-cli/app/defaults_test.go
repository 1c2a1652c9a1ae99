package app

import (
	"testing"

	"hodan/ops"
	"hodan/schema"
)

// TestPovertyStandardDefaultsToTheOneInForce: a poverty status recorded
// without its standard is taken under the standard in force that day.
func TestPovertyStandardDefaultsToTheOneInForce(t *testing.T) {
	households := schema.Households
	dev := &ops.Device{Officer: "Lò Văn Minh", Communes: []string{"05362"}}
	for today, want := range map[string]string{"2025-06-30": "nd07_2021", "2027-01-01": "std_2026_2030"} {
		values := map[string]any{"head_name": "Lò Thị Mai", "poverty_status": "poor"}
		if err := applyDefaults(dev, households, values, today); err != nil {
			t.Fatal(err)
		}
		if got := values["poverty_standard"]; got != want {
			t.Errorf("on %s: poverty_standard %v, want %s", today, got, want)
		}
	}
}
