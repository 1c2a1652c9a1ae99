package httpd

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"hodan/syncengine"
)

// officers names the officer of every device, revoked ones included,
// enrolled for a commune the caller is enrolled for: the writers of what
// the caller pulls. Nothing about devices of other communes.
func (s *Server) officers(c echo.Context) error {
	dev := deviceOf(c)
	devices, err := s.cfg.Registry.Devices(c.Request().Context())
	if err != nil {
		return err
	}
	out := syncengine.OfficersResponse{Officers: []syncengine.SiteOfficer{}}
	for _, d := range devices {
		if slices.ContainsFunc(d.Communes, dev.InScope) {
			out.Officers = append(out.Officers, syncengine.SiteOfficer{Site: d.ID, Officer: d.Officer})
		}
	}
	return c.JSON(http.StatusOK, out)
}
