package syncengine

import "encoding/json"

// mustJSON encodes a value whose encoding cannot fail (plain structs).
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func unmarshalJSON(s string, v any) error { return json.Unmarshal([]byte(s), v) }
