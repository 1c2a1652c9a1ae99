// Package registry keeps the district server's enrolled devices: one-time
// enrollment codes an operator makes for an officer and a list of communes,
// and the device tokens they are exchanged for. Codes and tokens are stored
// only as SHA-256 hashes.
package registry

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"hodan/syncengine"
)

// Registry is the set of enrolled devices, kept in the server's database.
// It is safe for concurrent use.
type Registry struct {
	db  *syncengine.DB
	now func() time.Time
}

// New returns the registry kept in db. now is the wall clock (nil: time.Now).
func New(db *syncengine.DB, now func() time.Time) *Registry {
	if now == nil {
		now = time.Now
	}
	return &Registry{db: db, now: now}
}

// Device is an enrolled device.
type Device struct {
	ID         syncengine.SiteID `json:"id"`
	Officer    string            `json:"officer"`
	Communes   []string          `json:"communes"`
	EnrolledAt time.Time         `json:"enrolled_at"`
	// RevokedAt is when the district revoked the device; nil while it is
	// live.
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	// PublicKey is the device's ed25519 key, which signs its batches; nil
	// for a device enrolled before batches were signed.
	PublicKey ed25519.PublicKey `json:"public_key,omitempty"`
	// ForkedFrom is the device this one is a copy of, when it was enrolled
	// by a fork (see Fork): a laptop whose database was an older copy of
	// that device's, or a copy of it used on another laptop. ForkedAt is
	// the last of that device's changes the copy shares.
	ForkedFrom *syncengine.SiteID `json:"forked_from,omitempty"`
	ForkedAt   uint64             `json:"forked_at,omitempty"`
}

// Revoked reports whether the device has been revoked.
func (d *Device) Revoked() bool { return d.RevokedAt != nil }

// InScope reports whether the device is enrolled for commune.
func (d *Device) InScope(commune string) bool {
	for _, c := range d.Communes {
		if c == commune {
			return true
		}
	}
	return false
}

// Errors of enrollment and authentication. Their messages are safe to show
// to the caller: they tell what to do without revealing which part failed.
var (
	ErrBadCode  = errors.New("the enrollment code is unknown, already used or expired: ask the district operator for a new one")
	ErrBadToken = errors.New("this device is not enrolled here (unknown token): enroll it with `hodan init --server URL --enroll CODE`")
	ErrRevoked  = errors.New("the district has revoked this device's enrollment: ask the district for a new enrollment code and run `hodan init --server URL --enroll CODE` again; the records on this laptop are kept")
	ErrEnrolled = errors.New("this device is already enrolled: to enroll it again, the district must first revoke it with `hodan-server device revoke`")
	ErrNoDevice = errors.New("no such device")
	// ErrAlreadyRevoked is a revocation of a device revoked before.
	ErrAlreadyRevoked = errors.New("the device was already revoked")
	ErrNoKey          = errors.New("the device sent no ed25519 public key: this version of hodan is too old to enroll, update it")
)

// DefaultCodeTTL is how long an enrollment code stays valid.
const DefaultCodeTTL = 24 * time.Hour

// codeAlphabet is Crockford's base 32: no I, L, O or U to misread.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// CreateEnrollment makes a one-time code with which one device enrolls for
// officer and communes. Only the code's hash is kept.
func (r *Registry) CreateEnrollment(ctx context.Context, officer string, communes []string, ttl time.Duration) (string, error) {
	officer = strings.TrimSpace(officer)
	if officer == "" || len(communes) == 0 {
		return "", errors.New("an enrollment needs an officer and at least one commune")
	}
	code, err := newCode()
	if err != nil {
		return "", err
	}
	scopes, err := json.Marshal(communes)
	if err != nil {
		return "", fmt.Errorf("create enrollment: %w", err)
	}
	now := r.now()
	err = r.db.Exec(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO server_enrollments (code_hash, officer, communes, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?)`, hash(normalizeCode(code)), officer, string(scopes), now.UnixMilli(), now.Add(ttl).UnixMilli())
		return err
	})
	if err != nil {
		return "", fmt.Errorf("create enrollment: %w", err)
	}
	return code, nil
}

// newCode returns 15 random characters of codeAlphabet (75 bits) in three
// groups of five.
func newCode() (string, error) {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random code: %w", err)
	}
	var sb strings.Builder
	for i, x := range b {
		if i > 0 && i%5 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(codeAlphabet[int(x)%len(codeAlphabet)])
	}
	return sb.String(), nil
}

// normalizeCode forgives case, spaces and dashes as people type them.
func normalizeCode(code string) string {
	code = strings.ToUpper(code)
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, code)
}

// Enroll spends a code: the device with the given site id is enrolled for
// the code's officer and communes, and gets a new token. The token is
// returned once and kept only as a hash. A revoked device may enroll again
// with a new code, keeping its site id (and so its history); a live one may
// not.
func (r *Registry) Enroll(ctx context.Context, code string, site syncengine.SiteID, key ed25519.PublicKey) (string, Device, error) {
	token, err := newToken()
	if err != nil {
		return "", Device{}, err
	}
	now := r.now()
	dev := Device{ID: site, EnrolledAt: now, PublicKey: key}
	err = r.db.Exec(ctx, func(tx *sql.Tx) error {
		// The code is checked first, so that only its holder learns
		// whether the site is enrolled already; refusing rolls it back.
		// The site that spent a code may spend it again while it is valid:
		// a laptop killed between the server's answer and saving its token
		// is enrolled anew, its first token replaced.
		var again bool // the site spent this code before
		err := tx.QueryRowContext(ctx, `SELECT used_at IS NOT NULL FROM server_enrollments WHERE code_hash = ?`,
			hash(normalizeCode(code))).Scan(&again)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var communes string
		err = tx.QueryRowContext(ctx, `UPDATE server_enrollments SET used_at = ?, device_id = ?
			WHERE code_hash = ? AND expires_at > ? AND (used_at IS NULL OR device_id = ?)
			RETURNING officer, communes`,
			now.UnixMilli(), site.String(), hash(normalizeCode(code)), now.UnixMilli(), site.String()).
			Scan(&dev.Officer, &communes)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrBadCode
		}
		if err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(communes), &dev.Communes); err != nil {
			return err
		}
		if len(key) != ed25519.PublicKeySize {
			return ErrNoKey // after the code, which stays unspent
		}
		var live bool
		err = tx.QueryRowContext(ctx, `SELECT revoked_at IS NULL FROM server_devices WHERE id = ?`, site.String()).Scan(&live)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		switch {
		case again && !live:
			return ErrBadCode // revoked since: its old code must not bring it back
		case live && !again:
			return ErrEnrolled
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO server_devices (id, token_hash, officer, communes, enrolled_at, public_key)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET token_hash = excluded.token_hash, officer = excluded.officer,
				communes = excluded.communes, enrolled_at = excluded.enrolled_at, revoked_at = NULL,
				public_key = excluded.public_key`,
			site.String(), hash(token), dev.Officer, communes, now.UnixMilli(), []byte(key))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO server_device_keys (device, public_key, officer, enrolled_at)
			VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, site.String(), []byte(key), dev.Officer, now.UnixMilli())
		return err
	})
	if err != nil {
		return "", Device{}, fmt.Errorf("enroll: %w", err)
	}
	return token, dev, nil
}

// newToken returns a device token: 32 random bytes, URL-safe base64, with a
// prefix that makes a leaked token easy to recognise.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return "hodan_" + base64.RawURLEncoding.EncodeToString(b), nil
}

// Authenticate returns the device a token belongs to. Unknown tokens get
// ErrBadToken, the tokens of revoked devices ErrRevoked.
func (r *Registry) Authenticate(ctx context.Context, token string) (Device, error) {
	if token == "" {
		return Device{}, ErrBadToken
	}
	h := hash(token)
	dev, err := r.scanDevice(r.db.SQL().QueryRowContext(ctx, `SELECT `+deviceColumns+`
		FROM server_devices WHERE token_hash = ? OR id = (SELECT device FROM server_fork_tokens WHERE token_hash = ?)`, h, h))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Device{}, ErrBadToken
	case err != nil:
		return Device{}, fmt.Errorf("authenticate: %w", err)
	case dev.Revoked():
		return Device{}, ErrRevoked
	}
	return dev, nil
}

// Revoke revokes the device whose id is, or uniquely begins with, id: its
// token stops working at once, even for a server already running on the
// same database. What it synced before stays. It returns the device as
// revoked.
func (r *Registry) Revoke(ctx context.Context, id string) (Device, error) {
	var dev Device
	err := r.db.Exec(ctx, func(tx *sql.Tx) error {
		var err error
		if dev, err = r.find(ctx, tx, id); err != nil {
			return err
		}
		if dev.Revoked() {
			return fmt.Errorf("%w: device %s (%s) on %s", ErrAlreadyRevoked, dev.ID, dev.Officer, dev.RevokedAt.Format(time.DateTime))
		}
		now := r.now()
		dev.RevokedAt = &now
		_, err = tx.ExecContext(ctx, `UPDATE server_devices SET revoked_at = ? WHERE id = ?`, now.UnixMilli(), dev.ID.String())
		return err
	})
	if err != nil {
		return Device{}, fmt.Errorf("revoke: %w", err)
	}
	return dev, nil
}

// find returns the one device whose id is, or begins with, prefix.
func (r *Registry) find(ctx context.Context, tx *sql.Tx, prefix string) (Device, error) {
	prefix = strings.ToLower(strings.TrimSpace(prefix))
	if len(prefix) < 4 || strings.ContainsAny(prefix, "%_") {
		return Device{}, fmt.Errorf("%w %q: give the device id as `hodan-server device list` shows it (at least its first 4 characters)", ErrNoDevice, prefix)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+deviceColumns+` FROM server_devices WHERE id LIKE ? || '%' LIMIT 2`, prefix)
	if err != nil {
		return Device{}, err
	}
	defer rows.Close()
	var found []Device
	for rows.Next() {
		dev, err := r.scanDevice(rows)
		if err != nil {
			return Device{}, err
		}
		found = append(found, dev)
	}
	if err := rows.Err(); err != nil {
		return Device{}, err
	}
	switch len(found) {
	case 0:
		return Device{}, fmt.Errorf("%w %s: `hodan-server device list` shows the enrolled devices", ErrNoDevice, prefix)
	case 1:
		return found[0], nil
	}
	return Device{}, fmt.Errorf("%w: more than one device id begins with %s; give more of it", ErrNoDevice, prefix)
}

// Devices lists the enrolled devices, oldest first.
func (r *Registry) Devices(ctx context.Context) ([]Device, error) {
	rows, err := r.db.SQL().QueryContext(ctx, `SELECT `+deviceColumns+` FROM server_devices ORDER BY enrolled_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	defer rows.Close()
	var out []Device
	for rows.Next() {
		dev, err := r.scanDevice(rows)
		if err != nil {
			return nil, fmt.Errorf("list devices: %w", err)
		}
		out = append(out, dev)
	}
	return out, rows.Err()
}

const deviceColumns = `id, officer, communes, enrolled_at, revoked_at, public_key, forked_from, coalesce(forked_at, 0)`

func (r *Registry) scanDevice(row interface{ Scan(...any) error }) (Device, error) {
	var dev Device
	var id, communes string
	var enrolled int64
	var revoked sql.NullInt64
	var key []byte
	var forkedFrom sql.NullString
	if err := row.Scan(&id, &dev.Officer, &communes, &enrolled, &revoked, &key, &forkedFrom, &dev.ForkedAt); err != nil {
		return Device{}, err
	}
	if forkedFrom.Valid {
		from, err := uuid.Parse(forkedFrom.String)
		if err != nil {
			return Device{}, err
		}
		dev.ForkedFrom = &from
	}
	var err error
	if dev.ID, err = uuid.Parse(id); err != nil {
		return Device{}, err
	}
	if err := json.Unmarshal([]byte(communes), &dev.Communes); err != nil {
		return Device{}, err
	}
	dev.EnrolledAt = time.UnixMilli(enrolled)
	if len(key) == ed25519.PublicKeySize {
		dev.PublicKey = key
	}
	if revoked.Valid {
		at := time.UnixMilli(revoked.Int64)
		dev.RevokedAt = &at
	}
	return dev, nil
}

func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// Officers maps each device ever enrolled, revoked ones included, to its
// officer: who wrote what, for people reading conflicts and histories.
func (r *Registry) Officers(ctx context.Context) (map[syncengine.SiteID]string, error) {
	devices, err := r.Devices(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[syncengine.SiteID]string, len(devices))
	for _, d := range devices {
		out[d.ID] = d.Officer
	}
	return out, nil
}
