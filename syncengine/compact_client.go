package syncengine

import (
	"fmt"
	"io"
	"slices"
)

// compactPush is a push request the client sends in the compact encoding,
// in version v.
type compactPush struct {
	*PushRequest
	v CompactVersion
}

func (p compactPush) write(w io.Writer) error {
	b, err := AppendCompactPushVersion(nil, p.PushRequest, p.v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// compactPull is a pull answer the client asks for in the compact
// encoding; the server may answer JSON all the same (one older than the
// compact encoding does), and says which in its Content-Type.
type compactPull struct{ *PullResponse }

// read decodes a compact answer's body (decompressed by the HTTP client).
func (p compactPull) read(body io.Reader) error {
	b, err := io.ReadAll(io.LimitReader(body, MaxResponseBytes+1))
	if err != nil {
		return fmt.Errorf("read pull answer: %w", err)
	}
	if len(b) > MaxResponseBytes {
		return fmt.Errorf("pull answer: larger than %d bytes", MaxResponseBytes)
	}
	if *p.PullResponse, err = DecodeCompactPull(b); err != nil {
		return fmt.Errorf("decode pull answer: %w", err)
	}
	return nil
}

// pullAnswer is what a pull page is decoded into: page itself, or a
// compactPull of it unless the client speaks JSON only.
func (c *Client) pullAnswer(page *PullResponse) any {
	if c.NoCompact {
		return page
	}
	return &compactPull{page}
}

// pushVersion is the version of the compact encoding the client pushes
// in to a server that answered vr, or 0 for JSON: the newest the server
// says it takes.
func (c *Client) pushVersion(vr VersionsResponse) CompactVersion {
	switch {
	case c.NoCompact || !slices.Contains(vr.Encodings, EncodingCompact):
		return 0
	case slices.Contains(vr.Encodings, EncodingHC2):
		return HC2
	}
	return HC1
}

// mediaOf is the Content-Type of a request body.
func mediaOf(body any) string {
	if p, ok := body.(compactPush); ok {
		return p.v.MediaType()
	}
	return MediaJSON
}
