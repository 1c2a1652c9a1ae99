package httpd_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"hodan/syncengine"
)

// TestPushRefusesALinkToARowNeverHeardOf: a device names only rows it has
// seen, which came from the server or from itself earlier in its
// sequence; a member of a household the server never heard of is refused
// with the reason, and the same member with its household sent first is
// taken.
func TestPushRefusesALinkToARowNeverHeardOf(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := mustServer(t, nil)
	a := mustDevice(t, ts, communeA)
	mustHousehold(t, a.DB, communeA, "Lò Thị Én")
	if _, err := a.Client.Sync(ctx, a.DB); err != nil {
		t.Fatalf("sync a: %v", err)
	}
	own, err := a.DB.OwnSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ghost, m, h := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	forged := []syncengine.Change{
		{Table: "members", Row: m, CL: 1, Scope: communeA},
		{Table: "members", Row: m, Column: "household_id", Value: syncengine.Text(ghost.String()), CL: 1, Scope: communeA},
		{Table: "members", Row: m, Column: "full_name", Value: syncengine.Text("Hà Văn Dũng"), CL: 1, Scope: communeA},
		// A household made earlier in the same batch is known by the time its member comes.
		{Table: "households", Row: h, CL: 1, Scope: communeA},
		{Table: "households", Row: h, Column: "commune_code", Value: syncengine.Text(communeA), CL: 1, Scope: communeA},
		{Table: "households", Row: h, Column: "head_name", Value: syncengine.Text("Quàng Văn Tú"), CL: 1, Scope: communeA},
		{Table: "members", Row: m, Column: "household_id", Value: syncengine.Text(h.String()), CL: 1, Scope: communeA},
	}
	for i := range forged {
		forged[i].Site, forged[i].Seq = a.Site(), own+uint64(i)+1
		forged[i].HLC = syncengine.MakeHLC(time.Now().UnixMilli(), uint16(i))
	}
	pr := ts.mustPush(t, a.Token, forged)
	if len(pr.Rejected) != 1 || pr.Rejected[0].Seq != own+2 || pr.Rejected[0].Code != syncengine.CodeNotFound ||
		!strings.Contains(pr.Rejected[0].Message, "never heard of") {
		t.Fatalf("push: %+v; want only the link to the unknown household refused, saying so", pr)
	}
	var household string
	if err := ts.DB.SQL().QueryRowContext(ctx, `SELECT household_id FROM members WHERE id = ?`, m.String()).Scan(&household); err != nil || household != h.String() {
		t.Errorf("member's household on the server: %q, %v; want %s", household, err, h)
	}
}
