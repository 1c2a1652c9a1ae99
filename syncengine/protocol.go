package syncengine

// The sync protocol, version 1: HTTP and JSON, gzip in both directions.
// Push bodies and pull answers may instead be in the compact encoding
// (MediaCompact, see compact_message.go), negotiated: a client asks for
// compact pull answers with "Accept: " AcceptPull, and pushes compact only
// to a server whose versions answer lists EncodingCompact; its version HC2
// likewise (MediaCompactHC2, EncodingHC2). JSON stays for old peers and
// for curl. A pull page holds at most the limit asked for, up to
// DefaultPullPage on every server and up to PullResponse.MaxLimit on one
// that names it; a server may answer fewer (More says to ask on).
//
//	POST /v1/enroll    EnrollRequest -> EnrollResponse (no token yet)
//	GET  /v1/versions?rejected_after=&verify_after= -> VersionsResponse
//	POST /v1/push      PushRequest -> PushResponse
//	POST /v1/fork      ForkRequest -> ForkResponse (see fork.go)
//	GET  /v1/pull?incarnation=&after=&chain=&limit= -> PullResponse
//	GET  /v1/digest?commune= -> DigestResponse
//	GET  /v1/conflicts -> ConflictsResponse
//	GET  /v1/officers  -> OfficersResponse (see officers.go)
//	GET  /v1/snapshot  -> a gzipped snapshot file (see DB.BuildSnapshot) of
//	                      the caller's communes, its SHA-256 in HeaderSnapshotSHA256
//
// Every request but enroll carries "Authorization: Bearer TOKEN". Errors are
// an ErrorResponse with a stable code.
const (
	PathEnroll    = "/v1/enroll"
	PathVersions  = "/v1/versions"
	PathPush      = "/v1/push"
	PathPull      = "/v1/pull"
	PathDigest    = "/v1/digest"
	PathConflicts = "/v1/conflicts"
	PathSnapshot  = "/v1/snapshot"
	PathFork      = "/v1/fork"
	PathOfficers  = "/v1/officers"
)

// HeaderSnapshotSHA256 carries the hex SHA-256 of a snapshot answer's body
// as sent (gzipped).
const HeaderSnapshotSHA256 = "X-Hodan-Snapshot-Sha256"

// EnrollRequest exchanges a one-time enrollment code for a device token.
type EnrollRequest struct {
	Code string `json:"code"`
	Site SiteID `json:"site_id"`
	// PublicKey is the device's ed25519 public key: the server accepts
	// only batches signed with the matching private key.
	PublicKey []byte `json:"public_key"`
}

// EnrollResponse gives an enrolled device its token and scopes.
type EnrollResponse struct {
	Token       string   `json:"token"`
	Officer     string   `json:"officer"`
	Scopes      []string `json:"communes"`
	ServerSite  SiteID   `json:"server_site_id"`
	Incarnation string   `json:"incarnation"`
}

// VersionsResponse is the server's version vector for the caller's origins,
// which tells the caller what to push.
type VersionsResponse struct {
	Incarnation string            `json:"incarnation"`
	ServerTime  int64             `json:"server_time"` // Unix milliseconds
	Versions    map[SiteID]uint64 `json:"versions"`
	// MaxClockSkew is how far ahead of ServerTime, in milliseconds, a
	// change may be stamped; the server refuses changes stamped later.
	MaxClockSkew int64 `json:"max_clock_skew_ms,omitempty"`
	// Rejected lists the caller's changes the server refused after the
	// sequence number given as rejected_after, in sequence order.
	Rejected []Rejection `json:"rejected,omitempty"`
	// Encodings lists the encodings besides JSON in which the server takes
	// pushes (EncodingCompact). Clients that do not know it ignore it.
	Encodings []string `json:"encodings,omitempty"`
	// Verify fingerprints the caller's changes the server holds after the
	// sequence number given as verify_after, when it holds any: the caller
	// checks that they are its own (see Fingerprints). Old servers, and
	// requests without verify_after, leave it out.
	Verify *Fingerprints `json:"verify,omitempty"`
}

// PushRequest is one batch of changes, in origin sequence order. The server
// applies it in one transaction and answers only once it is durable.
type PushRequest struct {
	Changes []Change `json:"changes"`
	// Signature is the device's ed25519 signature over BatchMessage of
	// the changes.
	Signature []byte `json:"signature"`
}

// PushResponse says what became of a batch and the server's new versions.
type PushResponse struct {
	Applied    int               `json:"applied"`
	Duplicates int               `json:"duplicates"`
	Rejected   []Rejection       `json:"rejected,omitempty"`
	Versions   map[SiteID]uint64 `json:"versions"`
	ServerTime int64             `json:"server_time"`
}

// ForkRequest asks the server to enroll, under a new site id, a copy of
// the calling device whose database turned out to be an older copy of
// itself or a copy used on another laptop (see Fork). It is sent with the
// device's token; the server holds more of the device's changes than At.
type ForkRequest struct {
	Site      SiteID `json:"site_id"`    // the new site id, made by the caller
	PublicKey []byte `json:"public_key"` // the new site's ed25519 public key
	At        uint64 `json:"at"`         // the last of the device's changes the copy shares with the server
}

// ForkResponse gives the new site its token, and says how far the server
// held the device's changes: Held by its version vector, Logged the number
// of them after At in its log, which the copy's pulls must bring it.
type ForkResponse struct {
	Token  string `json:"token"`
	Held   uint64 `json:"held"`
	Logged uint64 `json:"logged"`
}

// Rejection is a receiver's refusal of one change, and why: what a Vetter
// returns, what push and versions answers list, and what both the receiver
// and the change's origin record. Nothing of the change was applied; its
// sequence number counts as held so that later changes flow. Code and
// Message are those of an Error: the device's officer can act on them.
//
// Reason, Column and Args, when the receiver fills them, say which rule
// the change broke in terms a device says in its officer's language
// (Message is English): for invalid_value those of the domain's error
// (its reason, the column, the values the message was made with), for
// out_of_scope the commune in Args. Receivers before them leave them out
// and devices before them ignore them; both store them with the refusal.
type Rejection struct {
	Site    SiteID `json:"site_id"`
	Seq     uint64 `json:"seq"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Reason  string `json:"reason,omitempty"`
	Column  string `json:"column,omitempty"`
	Args    []any  `json:"args,omitempty"`
}

// PullResponse is one page of the server's log after the caller's cursor.
// Reset says the caller's cursor did not match this server's log (a new
// incarnation, or a log restored from an older copy): the page starts from
// the beginning, and the caller must forget its old cursor.
type PullResponse struct {
	Incarnation string   `json:"incarnation"`
	Reset       bool     `json:"reset,omitempty"`
	Changes     []Change `json:"changes"`
	Next        Cursor   `json:"next"`
	More        bool     `json:"more"`
	ServerTime  int64    `json:"server_time"`
	// MaxLimit is the largest limit the server takes for a pull page, when
	// larger than the DefaultPullPage every server takes: a client far
	// behind asks for larger pages (see Client.pull). Servers before it
	// leave it out.
	MaxLimit int `json:"max_limit,omitempty"`
}

// DigestResponse is a replica's digest of one scope.
type DigestResponse struct {
	Scope  string `json:"commune,omitempty"`
	Digest string `json:"digest"`
}

// ErrorResponse is the body of every error answer.
type ErrorResponse struct {
	Error Error `json:"error"`
}
