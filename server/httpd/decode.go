package httpd

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"hodan/syncengine"
)

// decodeBody decodes a JSON request body, gzip-compressed or not, into v,
// with two bounds: maxWire bytes as sent, maxPlain bytes once decompressed
// (so that a small gzip bomb cannot exhaust memory). Unknown fields and
// trailing data are refused.
func decodeBody(r *http.Request, maxWire, maxPlain int64, v any) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != syncengine.MediaJSON {
		return fail(codeUnsupportedMedia, "send the body as Content-Type: application/json")
	}
	plain, err := openBody(r, maxWire, maxPlain)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(plain)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if plain.over {
			return tooLarge(maxPlain)
		}
		return decodeError(err, maxWire)
	}
	switch _, err := dec.Token(); {
	case errors.Is(err, io.EOF):
		return nil
	case plain.over:
		return tooLarge(maxPlain)
	case err == nil:
		return fail(syncengine.CodeBadRequest, "the body holds more than one JSON value")
	default:
		return decodeError(err, maxWire)
	}
}

// openBody checks a request body's size as sent and its Content-Encoding,
// and returns the body decompressed, bounded as decodeBody says.
func openBody(r *http.Request, maxWire, maxPlain int64) (*limitReader, error) {
	if r.ContentLength > maxWire {
		return nil, tooLarge(maxWire)
	}
	wire := http.MaxBytesReader(nil, r.Body, maxWire)
	var body io.Reader = wire
	switch enc := r.Header.Get("Content-Encoding"); enc {
	case "gzip":
		zr, err := gzip.NewReader(wire)
		if err != nil {
			return nil, decodeError(err, maxWire)
		}
		body = zr
	case "", "identity":
	default:
		return nil, fail(codeUnsupportedMedia, fmt.Sprintf("Content-Encoding %q is not supported: send gzip or nothing", enc))
	}
	return &limitReader{r: body, left: maxPlain}, nil
}

func decodeError(err error, maxWire int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(maxWire)
	}
	if errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fail(syncengine.CodeBadRequest, "the body is truncated or not valid gzip: send it again")
	}
	return fail(syncengine.CodeBadRequest, "the body is not valid JSON for this endpoint: "+err.Error())
}

func tooLarge(limit int64) error {
	return fail(syncengine.CodeTooLarge, fmt.Sprintf("the request body is larger than %d bytes: send smaller batches", limit))
}

// limitReader reads at most left bytes and notes when there was more.
type limitReader struct {
	r    io.Reader
	left int64
	over bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		if n, err := l.r.Read(one[:]); n == 0 {
			return 0, err
		}
		l.over = true
		return 0, errors.New("body too large")
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}
