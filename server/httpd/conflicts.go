package httpd

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"hodan/syncengine"
)

// conflicts lists the conflicts in the device's communes, with the
// officers who wrote each value: nothing of another commune.
func (s *Server) conflicts(c echo.Context) error {
	dev := deviceOf(c)
	ctx := c.Request().Context()
	found, err := s.cfg.DB.Conflicts(ctx, syncengine.ConflictQuery{Scopes: dev.Communes})
	if err != nil {
		return err
	}
	officers, err := s.cfg.Registry.Officers(ctx)
	if err != nil {
		return err
	}
	views := syncengine.Views(found, func(site syncengine.SiteID) string { return officers[site] })
	return c.JSON(http.StatusOK, syncengine.ConflictsResponse{Conflicts: views})
}
