package httpd_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"hodan/server/httpd"
	"hodan/syncengine"
)

// TestPushIsAppliedWhenItsDeviceGivesUp: a device gives up waiting for the
// answer to a push (it hangs up) while its batch waits behind another
// device's. The batch is applied all the same, as the committer's submit
// says, and the device's next sync finds it held and sends none of it
// again. A server that dropped it would show the device's version at 0.
func TestPushIsAppliedWhenItsDeviceGivesUp(t *testing.T) {
	t.Parallel()
	ts := mustServer(t, nil)
	a, b := mustDevice(t, ts, communeA), mustDevice(t, ts, communeA)
	mustHousehold(t, a.DB, communeA, "Lò Thị Én")
	mustHousehold(t, b.DB, communeA, "Hà Văn Chung")
	aChanges := mustOwnChanges(t, a.DB)
	aBody, bBody := pushBody(t, aChanges), pushBody(t, mustOwnChanges(t, b.DB))

	// a's pushes go through a server that says when it sees a hang up and
	// when the handler is done with a's request.
	gone, handled := make(chan struct{}), make(chan struct{})
	watched := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(handled)
		go func() { <-r.Context().Done(); close(gone) }()
		ts.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(watched.Close)

	release := httpd.HoldWriter(t, ts.DB)
	bDone := make(chan error, 1)
	go func() { bDone <- postPush(context.Background(), ts.URL, b.Token, bBody) }()
	httpd.WaitQueued(t, ts.Server, 0) // b's batch is being applied: it waits for the writer
	ctx, cancel := context.WithCancel(context.Background())
	aDone := make(chan error, 1)
	go func() { aDone <- postPush(ctx, watched.URL, a.Token, aBody) }()
	httpd.WaitQueued(t, ts.Server, 1) // a's waits behind it
	cancel()
	if err := <-aDone; !errors.Is(err, context.Canceled) {
		t.Fatalf("a's push, given up: %v", err)
	}
	<-gone
	release()
	<-handled
	if err := <-bDone; err != nil {
		t.Fatalf("b's push: %v", err)
	}

	last := aChanges[len(aChanges)-1].Seq
	if vv, err := ts.DB.Versions(context.Background(), a.DB.Site()); err != nil || vv[a.DB.Site()] != last {
		t.Fatalf("the server holds a's changes up to #%d (%v); want #%d: the batch of a device that hung up was dropped", vv[a.DB.Site()], err, last)
	}
	res, err := a.Client.Sync(context.Background(), a.DB)
	if err != nil || res.Pushed != 0 {
		t.Errorf("a's next sync: %+v, %v; want nothing pushed again", res, err)
	}
}

// postPush posts a push body as the device with token and fails unless
// the answer is 200.
func postPush(ctx context.Context, url, token string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+syncengine.PathPush, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", bearer(token))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errors.New("push: " + resp.Status)
	}
	return nil
}
