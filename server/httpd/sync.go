package httpd

import (
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"hodan/server/registry"
	"hodan/syncengine"
)

// versions tells a device what the server holds of its changes, and which
// of them it refused after the sequence number the device says it has
// heard about (rejected_after), so that a refusal whose push answer was
// lost still reaches the device. Asked with verify_after, it also
// fingerprints the device's changes it holds after that number, for the
// device to check that they are its own (syncengine.Fingerprints).
func (s *Server) versions(c echo.Context) error {
	dev := deviceOf(c)
	after, err := uintParam(c, "rejected_after")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	vv, err := s.cfg.DB.Versions(ctx, dev.ID)
	if err != nil {
		return err
	}
	rejected, err := s.cfg.DB.Rejections(ctx, dev.ID, after, MaxBatch)
	if err != nil {
		return err
	}
	verify, err := s.fingerprints(c, dev, vv[dev.ID])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, syncengine.VersionsResponse{
		Incarnation: s.cfg.DB.Incarnation(), ServerTime: s.nowMillis(), Versions: vv,
		MaxClockSkew: s.cfg.MaxClockSkew.Milliseconds(), Rejected: rejected,
		Encodings: s.encodings(), Verify: verify,
	})
}

// push applies one batch of the device's changes. Changes that do not fit
// the schema refuse the whole batch (the device or the server needs an
// upgrade; nothing is lost, the device keeps its changes); changes outside
// the device's communes or stamped too far ahead are refused one by one,
// with a reason, and the rest applied. The answer is sent once the batch is
// durable.
func (s *Server) push(c echo.Context) error {
	dev := deviceOf(c)
	var req syncengine.PushRequest
	if err := s.decodePush(c.Request(), &req); err != nil {
		return err
	}
	if len(req.Changes) > MaxBatch {
		return fail(syncengine.CodeTooLarge, fmt.Sprintf("a batch holds at most %d changes, this one %d", MaxBatch, len(req.Changes)))
	}
	for i := range req.Changes {
		if err := checkShape(&req.Changes[i], dev.ID); err != nil {
			return err
		}
	}
	receipt, err := s.receipt(dev, &req)
	if err != nil {
		return err
	}
	res, err := s.commits.submit(syncengine.Received{Changes: req.Changes, Vet: s.vetter(dev), Receipt: receipt})
	if err != nil {
		return err // a refused batch has its code (syncengine.ErrorOf); any other error is internal
	}
	vv, err := s.cfg.DB.Versions(c.Request().Context(), dev.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, syncengine.PushResponse{
		Applied: res.Applied, Duplicates: res.Duplicates, Rejected: res.Rejected,
		Versions: vv, ServerTime: s.nowMillis(),
	})
}

// receipt checks the device's signature over a batch, before anything of
// it is applied, and returns the receipt the log keeps of it.
func (s *Server) receipt(dev registry.Device, req *syncengine.PushRequest) (*syncengine.Receipt, error) {
	if len(req.Changes) == 0 {
		return nil, nil // nothing to apply, nothing to vouch for
	}
	if len(dev.PublicKey) == 0 {
		return nil, fail(syncengine.CodeUnsigned, "this laptop was enrolled before Hodan signed its batches, and the server has no key for it: nothing was applied; ask the district to revoke it (hodan-server device revoke) and enroll it again with hodan init, then sync")
	}
	if len(req.Signature) == 0 {
		return nil, fail(syncengine.CodeUnsigned, "the batch is not signed: nothing was applied; this version of hodan is too old, update it")
	}
	hashes := syncengine.HashChanges(req.Changes)
	if !syncengine.VerifyBatch(dev.PublicKey, dev.ID, hashes, req.Signature) {
		return nil, fail(syncengine.CodeBadSignature, "the batch's signature does not match this device's key, or the batch was altered on the way: nothing was applied; sync again, and if this persists ask the district to enroll the laptop again")
	}
	return &syncengine.Receipt{
		Device: dev.ID, Officer: dev.Officer, Received: s.nowMillis(),
		Signature: req.Signature, Changes: hashes,
	}, nil
}

func (s *Server) pull(c echo.Context) error {
	dev := deviceOf(c)
	q, err := s.parsePullQuery(c)
	if err != nil {
		return err
	}
	q.Scopes, q.Exclude = dev.Communes, dev.ID
	if q.Limit > MaxBatch {
		release := s.largePage(&q)
		defer release()
	}
	page, err := s.cfg.DB.ReadPull(c.Request().Context(), q)
	if err != nil {
		return err
	}
	if page.Changes == nil {
		page.Changes = []syncengine.Change{}
	}
	return s.answerPull(c, &syncengine.PullResponse{
		Incarnation: s.cfg.DB.Incarnation(), Reset: page.Reset, Changes: page.Changes,
		Next: page.Next, More: page.More, ServerTime: s.nowMillis(), MaxLimit: s.pullLimit(),
	})
}

func (s *Server) parsePullQuery(c echo.Context) (syncengine.PullQuery, error) {
	q := syncengine.PullQuery{Incarnation: c.QueryParam("incarnation"), Limit: syncengine.DefaultBatchSize}
	var err error
	if q.After.Seq, err = uintParam(c, "after"); err != nil {
		return q, err
	}
	q.After.Chain = c.QueryParam("chain")
	if _, err := hex.DecodeString(q.After.Chain); err != nil || len(q.After.Chain) > 64 {
		return q, fail(syncengine.CodeBadRequest, "chain must be the hex chain hash of the cursor, as the last pull returned it")
	}
	if limit := c.QueryParam("limit"); limit != "" {
		n, err := strconv.Atoi(limit)
		if err != nil || n < 1 || n > s.pullLimit() {
			return q, fail(syncengine.CodeBadRequest, fmt.Sprintf("limit must be a number from 1 to %d", s.pullLimit()))
		}
		q.Limit = n
	}
	return q, nil
}

func uintParam(c echo.Context, name string) (uint64, error) {
	v := c.QueryParam(name)
	if v == "" {
		return 0, nil
	}
	// 63 bits: sequence numbers are SQLite integers, and a larger one would
	// reach the database and fail there, as an internal error.
	n, err := strconv.ParseUint(v, 10, 63)
	if err != nil {
		return 0, fail(syncengine.CodeBadRequest, fmt.Sprintf("%s must be a whole number from 0 to %d", name, math.MaxInt64))
	}
	return n, nil
}

func (s *Server) digest(c echo.Context) error {
	dev := deviceOf(c)
	commune := c.QueryParam("commune")
	if commune == "" {
		return fail(syncengine.CodeBadRequest, "name the commune: /v1/digest?commune=CODE")
	}
	if !dev.InScope(commune) {
		return fail(syncengine.CodeOutOfScope, "this device is not enrolled for commune "+commune)
	}
	d, err := s.cfg.DB.Digest(c.Request().Context(), commune)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, syncengine.DigestResponse{Scope: commune, Digest: d})
}
