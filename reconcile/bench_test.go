package reconcile_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"hodan/reconcile"
	"hodan/syncengine"
)

// BenchmarkDuplicates3000 finds the duplicates of a commune of 3,000
// households in 12 villages, the size the design plans a commune for, with
// names drawn the way the mountain communes' are (a few family names, Văn
// or Thị, a given name), one in ten heads' birth years unknown, and one
// household in twenty registered twice under another spelling.
func BenchmarkDuplicates3000(b *testing.B) {
	db := mustOpen(b)
	seedCommune(b, db, 3000)
	ctx := context.Background()
	var pairs []reconcile.Pair
	for b.Loop() {
		var err error
		if pairs, err = reconcile.Duplicates(ctx, db.SQL(), []string{lacLuong}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(pairs)), "pairs")
}

// seedCommune records n households of one commune in one transaction.
func seedCommune(b *testing.B, db *syncengine.DB, n int) {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	families := []string{"Bùi", "Hà", "Lò", "Quách", "Đinh", "Xa", "Sa", "Triệu", "Hoàng", "Lường", "Vi", "Nguyễn"}
	givens := []string{"Thao", "Thanh", "Minh", "Lan", "Hoa", "Nam", "Dũng", "Hùng", "Mai", "Hương", "Thắng",
		"Tuấn", "Cường", "Bình", "Hải", "Sơn", "Hạnh", "Nga", "Phượng", "Quyết", "Toàn", "Vinh", "Xuân", "Yến"}
	err := db.Write(context.Background(), func(tx *syncengine.Tx) error {
		var villages []string
		for i := range 12 {
			id, err := tx.Insert("villages", map[string]any{"commune_code": lacLuong, "name": "Xóm " + givens[i]})
			if err != nil {
				return err
			}
			villages = append(villages, id.String())
		}
		for i := 0; i < n; i++ {
			middle := "Văn"
			if rng.IntN(2) == 0 {
				middle = "Thị"
			}
			v := map[string]any{
				"commune_code": lacLuong, "village_id": villages[rng.IntN(len(villages))],
				"head_name": families[rng.IntN(len(families))] + " " + middle + " " + givens[rng.IntN(len(givens))],
			}
			if rng.IntN(10) > 0 {
				v["head_birth_year"] = 1940 + rng.IntN(66)
			}
			if rng.IntN(20) == 0 && i > 0 {
				v["head_name"] = reconcile.Fold(v["head_name"].(string)) // the same family, typed without marks
				i++
				if _, err := tx.Insert("households", v); err != nil {
					return err
				}
			}
			if _, err := tx.Insert("households", v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
