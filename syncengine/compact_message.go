package syncengine

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strconv"
	"strings"
)

// Media types of push bodies and pull answers. MediaCompact is a message of
// the protocol (a PushRequest or a PullResponse) in the compact encoding,
// gzipped on the wire as JSON bodies are (Content-Encoding: gzip):
//
//	message  = length envelope batch
//	length   = uvarint: the byte length of envelope
//	envelope = the message's JSON, without its "changes" member, e.g.
//	           {"signature":"..."} or {"incarnation":"...","next":{...},...}
//	batch    = its changes in the compact encoding (AppendCompactVersion),
//	           to the end of the body
//
// A message in HC2 says so in its Content-Type, MediaCompactHC2 (the
// batch's magic says it too). A client asks for HC2 pull answers by naming
// MediaCompactHC2 in its Accept header (AcceptPull); a server that lists
// EncodingHC2 in its versions answer takes HC2 pushes. A peer older than
// HC2 reads the parameter as nothing and speaks HC1, which both read.
//
// Signatures are over BatchMessage of the changes, not over body bytes, so
// a batch signed once may travel in either encoding. Error answers are
// always JSON.
const (
	MediaJSON    = "application/json"
	MediaCompact = "application/vnd.hodan.v1+compact"
)

// MediaCompactHC2 is MediaCompact with its batch in HC2.
const MediaCompactHC2 = MediaCompact + "; hc=2"

// AcceptPull is the Accept header of a client that takes pull answers in
// either encoding and prefers the compact one, in HC2. A server answers
// compact only to a request that accepts it: old clients, and curl, get
// JSON; a server older than HC2 sees MediaCompact and answers HC1.
const AcceptPull = MediaCompactHC2 + ", " + MediaJSON

// EncodingCompact, in VersionsResponse.Encodings, says that the server
// takes pushes in MediaCompact; EncodingHC2 that it takes them in HC2
// too. A server that lists neither is pushed JSON.
const (
	EncodingCompact = "compact"
	EncodingHC2     = "hc2"
)

// pushEnvelope is a PushRequest without its changes: its Changes member,
// never set, shadows the request's, and omitzero leaves it out.
type pushEnvelope struct {
	*PushRequest
	Changes struct{} `json:"changes,omitzero"`
}

// pullEnvelope is a PullResponse without its changes, as pushEnvelope.
type pullEnvelope struct {
	*PullResponse
	Changes struct{} `json:"changes,omitzero"`
}

// AppendCompactPush appends req as a MediaCompact message to b, its batch
// in HC1.
func AppendCompactPush(b []byte, req *PushRequest) ([]byte, error) {
	return AppendCompactPushVersion(b, req, HC1)
}

// AppendCompactPushVersion appends req as a MediaCompact message to b, its
// batch in version v.
func AppendCompactPushVersion(b []byte, req *PushRequest, v CompactVersion) ([]byte, error) {
	return appendCompactMessage(b, pushEnvelope{PushRequest: req}, req.Changes, v)
}

// DecodeCompactPush decodes a MediaCompact push body, refusing with
// ErrBadCompact a malformed one and, as the JSON decoding of a push does,
// members of the envelope it does not know, and with ErrTooManyChanges one
// of more than limit changes (if limit > 0).
func DecodeCompactPush(b []byte, limit int) (PushRequest, error) {
	var req PushRequest
	changes, err := decodeCompactMessage(b, &pushEnvelope{PushRequest: &req}, true, limit)
	req.Changes = changes
	return req, err
}

// AppendCompactPull appends resp as a MediaCompact message to b, its batch
// in HC1.
func AppendCompactPull(b []byte, resp *PullResponse) ([]byte, error) {
	return AppendCompactPullVersion(b, resp, HC1)
}

// AppendCompactPullVersion appends resp as a MediaCompact message to b,
// its batch in version v.
func AppendCompactPullVersion(b []byte, resp *PullResponse, v CompactVersion) ([]byte, error) {
	return appendCompactMessage(b, pullEnvelope{PullResponse: resp}, resp.Changes, v)
}

// DecodeCompactPull decodes a MediaCompact pull answer, refusing with
// ErrBadCompact a malformed one. Members of the envelope it does not know
// are ignored, as in a JSON answer, so that a newer server may add some.
func DecodeCompactPull(b []byte) (PullResponse, error) {
	var resp PullResponse
	changes, err := decodeCompactMessage(b, &pullEnvelope{PullResponse: &resp}, false, 0)
	resp.Changes = changes
	return resp, err
}

func appendCompactMessage(b []byte, envelope any, changes []Change, v CompactVersion) ([]byte, error) {
	env, err := json.Marshal(envelope)
	if err != nil {
		return b, fmt.Errorf("encode envelope: %w", err)
	}
	b = binary.AppendUvarint(b, uint64(len(env)))
	return AppendCompactVersion(append(b, env...), changes, v), nil
}

func decodeCompactMessage(b []byte, envelope any, strict bool, limit int) ([]Change, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return nil, fmt.Errorf("%w: no envelope length, or one past the end", ErrBadCompact)
	}
	env := b[k : k+int(n)]
	dec := json.NewDecoder(bytes.NewReader(env))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(envelope); err != nil {
		return nil, fmt.Errorf("%w: envelope: %w", ErrBadCompact, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: envelope: more than one JSON value", ErrBadCompact)
	}
	return decodeCompact(b[k+int(n):], limit)
}

// IsCompact reports whether a Content-Type header names MediaCompact.
func IsCompact(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == MediaCompact
}

// AcceptsCompact reports whether an Accept header lists MediaCompact (by
// name, not by a wildcard) with a quality above 0.
func AcceptsCompact(accept string) bool { return AcceptedCompact(accept) != 0 }

// AcceptedCompact is the newest version of the compact encoding an Accept
// header takes: HC2 if it lists MediaCompactHC2, HC1 if it lists
// MediaCompact without that parameter (by name, not by a wildcard, with a
// quality above 0 either way), 0 if it takes neither.
func AcceptedCompact(accept string) CompactVersion {
	best := CompactVersion(0)
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || mt != MediaCompact {
			continue
		}
		if q, err := strconv.ParseFloat(params["q"], 64); err == nil && q <= 0 {
			continue
		}
		v := HC1
		if params["hc"] == "2" {
			v = HC2
		}
		best = max(best, v)
	}
	return best
}

// MediaType is the Content-Type of a compact message in version v.
func (v CompactVersion) MediaType() string {
	if v == HC2 {
		return MediaCompactHC2
	}
	return MediaCompact
}
