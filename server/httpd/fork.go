package httpd

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"hodan/server/registry"
	"hodan/syncengine"
)

// fingerprints answers a versions request's verify_after: the
// fingerprints of the device's changes held after it, up to held, the
// device's version in the same answer. Nil when not asked, or when the
// server holds nothing after it.
func (s *Server) fingerprints(c echo.Context, dev registry.Device, held uint64) (*syncengine.Fingerprints, error) {
	if c.QueryParam("verify_after") == "" {
		return nil, nil
	}
	after, err := uintParam(c, "verify_after")
	if err != nil || held <= after {
		return nil, err
	}
	fp, err := s.cfg.DB.Fingerprints(c.Request().Context(), dev.ID, after, held)
	return &fp, err
}

// fork enrolls a copy of the calling device under a new site id: the
// device's database turned out to be an older copy of itself, or a copy
// used on another laptop (syncengine.Fork). The server must hold more of
// the device's changes than the copy shares with it, and must never have
// seen the new site id; the same request again, before the new site
// pushed anything, gets a fresh token (the laptop died before saving the
// first). The device stays enrolled.
func (s *Server) fork(c echo.Context) error {
	dev := deviceOf(c)
	var req syncengine.ForkRequest
	if err := decodeBody(c.Request(), 64<<10, 64<<10, &req); err != nil {
		return err
	}
	if req.Site == (syncengine.SiteID{}) {
		return fail(syncengine.CodeBadRequest, "a fork needs the new site_id")
	}
	ctx := c.Request().Context()
	vv, err := s.cfg.DB.Versions(ctx, dev.ID)
	if err != nil {
		return err
	}
	held := vv[dev.ID]
	if held <= req.At {
		return fail(syncengine.CodeNoDivergence, fmt.Sprintf("the server holds this device's changes up to #%d, none after #%d: there is no other copy to part from; sync again", held, req.At))
	}
	logged, err := s.cfg.DB.Logged(ctx, dev.ID, req.At, held)
	if err != nil {
		return err
	}
	known, err := s.cfg.DB.KnowsSite(ctx, req.Site)
	if err != nil {
		return err
	}
	token, fork, err := s.cfg.Registry.Fork(ctx, dev, req.Site, req.PublicKey, req.At, known)
	switch {
	case errors.Is(err, registry.ErrNoKey):
		return fail(syncengine.CodeBadRequest, registry.ErrNoKey.Error())
	case errors.Is(err, registry.ErrSiteKnown):
		return fail(syncengine.CodeSiteKnown, registry.ErrSiteKnown.Error())
	case err != nil:
		return err
	}
	s.cfg.Log.Info("device forked", "device", fork.ID.String(), "copy_of", dev.ID.String(), "officer", fork.Officer, "at", req.At, "held", held)
	return c.JSON(http.StatusOK, syncengine.ForkResponse{Token: token, Held: held, Logged: logged})
}
