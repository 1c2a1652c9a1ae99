package httpd

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"hodan/syncengine"
)

// snapshotMinRate is the slowest a snapshot may be sent, in bytes a
// second, before the connection is cut: a 2G link's worst hours.
const snapshotMinRate = 4 << 10

// snapshot sends a new device the snapshot of its communes' merged state
// (see syncengine.DB.BuildSnapshot), gzipped, with its size and SHA-256.
// The first request for a set of communes, or one after the cached
// snapshot went stale, waits for it to be built.
func (s *Server) snapshot(c echo.Context) error {
	dev := deviceOf(c)
	if len(dev.Communes) == 0 {
		return fail(syncengine.CodeForbidden, "this device is enrolled for no commune")
	}
	f, file, err := s.snapshots.open(c.Request().Context(), dev.Communes)
	if err != nil {
		return err
	}
	defer file.Close()
	// The server's write timeout is meant for ordinary answers; a
	// snapshot over a weak link takes longer.
	deadline := time.Now().Add(s.cfg.WriteTimeout + time.Duration(f.Size/snapshotMinRate)*time.Second)
	_ = http.NewResponseController(c.Response()).SetWriteDeadline(deadline) // not every writer can: keep the default
	h := c.Response().Header()
	h.Set(echo.HeaderContentLength, strconv.FormatInt(f.Size, 10))
	h.Set(syncengine.HeaderSnapshotSHA256, f.SHA256)
	return c.Stream(http.StatusOK, "application/gzip", file)
}
