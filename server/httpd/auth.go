package httpd

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"hodan/server/registry"
	"hodan/syncengine"
)

const deviceKey = "device"

// authenticate admits requests that carry a live device token in the
// Authorization header, and puts the device in the context.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		scheme, token, _ := strings.Cut(c.Request().Header.Get("Authorization"), " ")
		token = strings.TrimSpace(token)
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			return fail(syncengine.CodeUnauthorized, "missing device token: send \"Authorization: Bearer TOKEN\" (run `hodan init` to enroll)")
		}
		dev, err := s.cfg.Registry.Authenticate(c.Request().Context(), token)
		if errors.Is(err, registry.ErrBadToken) {
			return fail(syncengine.CodeUnauthorized, err.Error())
		}
		if errors.Is(err, registry.ErrRevoked) {
			return fail(syncengine.CodeRevoked, err.Error())
		}
		if err != nil {
			return err
		}
		c.Set(deviceKey, dev)
		return next(c)
	}
}

func deviceOf(c echo.Context) registry.Device { return c.Get(deviceKey).(registry.Device) }

func (s *Server) enroll(c echo.Context) error {
	var req syncengine.EnrollRequest
	if err := decodeBody(c.Request(), 64<<10, 64<<10, &req); err != nil {
		return err
	}
	if req.Code == "" || req.Site == (syncengine.SiteID{}) {
		return fail(syncengine.CodeBadRequest, "an enrollment needs a code and a site_id")
	}
	token, dev, err := s.cfg.Registry.Enroll(c.Request().Context(), req.Code, req.Site, req.PublicKey)
	switch {
	case errors.Is(err, registry.ErrNoKey):
		return fail(syncengine.CodeBadRequest, registry.ErrNoKey.Error())
	case errors.Is(err, registry.ErrBadCode):
		return fail(syncengine.CodeUnauthorized, registry.ErrBadCode.Error())
	case errors.Is(err, registry.ErrEnrolled):
		return fail(syncengine.CodeForbidden, registry.ErrEnrolled.Error())
	case err != nil:
		return err
	}
	s.cfg.Log.Info("device enrolled", "device", dev.ID.String(), "officer", dev.Officer, "communes", dev.Communes)
	if s.snapshots != nil && s.cfg.SnapshotOnEnroll && len(dev.Communes) > 0 {
		s.snapshots.warm(dev.Communes)
	}
	return c.JSON(http.StatusOK, syncengine.EnrollResponse{
		Token: token, Officer: dev.Officer, Scopes: dev.Communes,
		ServerSite: s.cfg.DB.Site(), Incarnation: s.cfg.DB.Incarnation(),
	})
}
