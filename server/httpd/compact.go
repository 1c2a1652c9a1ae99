package httpd

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"hodan/syncengine"
)

// The compact encoding of pushes and pull answers (syncengine.MediaCompact),
// beside JSON: a server takes pushes in either, says so in its versions
// answer, and answers a pull in compact to a client that accepts it.
// Config.NoCompact makes the server speak JSON only, as servers did before
// the compact encoding; Config.NoHC2 makes it speak HC1 only, as servers
// did before HC2. A push is decoded in the version its batch says.

// encodings lists the encodings besides JSON this server takes pushes in,
// for its versions answer.
func (s *Server) encodings() []string {
	switch {
	case s.cfg.NoCompact:
		return nil
	case s.cfg.NoHC2:
		return []string{syncengine.EncodingCompact}
	}
	return []string{syncengine.EncodingCompact, syncengine.EncodingHC2}
}

// decodePush decodes a push body, JSON or compact, with the bounds and
// refusals of decodeBody. A malformed compact body is refused as a
// malformed JSON one is, before anything of it is applied.
func (s *Server) decodePush(r *http.Request, req *syncengine.PushRequest) error {
	maxWire, maxPlain := s.cfg.MaxBody, plainFactor*s.cfg.MaxBody
	if s.cfg.NoCompact || !syncengine.IsCompact(r.Header.Get("Content-Type")) {
		return decodeBody(r, maxWire, maxPlain, req)
	}
	plain, err := openBody(r, maxWire, maxPlain)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(plain)
	switch {
	case plain.over:
		return tooLarge(maxPlain)
	case err != nil:
		return readError(err, maxWire)
	}
	*req, err = syncengine.DecodeCompactPush(b, MaxBatch)
	switch {
	case errors.Is(err, syncengine.ErrTooManyChanges):
		return fail(syncengine.CodeTooLarge, fmt.Sprintf("a batch holds at most %d changes: %v", MaxBatch, err))
	case err != nil:
		return fail(syncengine.CodeBadRequest, "the body is not a valid compact push ("+err.Error()+"): nothing was applied")
	}
	return nil
}

// readError is the answer to a body that could not be read whole: too
// large as sent, or not gzip.
func readError(err error, maxWire int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(maxWire)
	}
	return fail(syncengine.CodeBadRequest, "the body is truncated or not valid gzip: send it again")
}

// answerPull sends a pull page, in the newest version of the compact
// encoding both the request and the server take, JSON if none; the
// Content-Type says which.
func (s *Server) answerPull(c echo.Context, page *syncengine.PullResponse) error {
	c.Response().Header().Add("Vary", "Accept")
	v := syncengine.AcceptedCompact(c.Request().Header.Get("Accept"))
	switch {
	case s.cfg.NoCompact || v == 0:
		return c.JSON(http.StatusOK, page)
	case s.cfg.NoHC2:
		v = syncengine.HC1
	}
	b, err := syncengine.AppendCompactPullVersion(nil, page, v)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, v.MediaType(), b)
}
