// Package registry keeps the district server's enrolled devices: one-time
// enrollment codes an operator makes for an officer and a list of communes,
// and the device tokens they are exchanged for. Codes and tokens are stored
// only as SHA-256 hashes.
package registry

import (
	"context"
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
	Revoked    bool              `json:"revoked"`
}

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
	ErrBadToken = errors.New("this device is not enrolled here (unknown or revoked token): enroll again with `hodan init`")
	ErrEnrolled = errors.New("this device is already enrolled: run `hodan init` with a new database to enroll again")
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
	now := r.now()
	err = r.db.Exec(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO server_enrollments (code_hash, officer, communes, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?)`, hash(normalizeCode(code)), officer, mustJSON(communes), now.UnixMilli(), now.Add(ttl).UnixMilli())
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
// returned once and kept only as a hash.
func (r *Registry) Enroll(ctx context.Context, code string, site syncengine.SiteID) (string, Device, error) {
	token, err := newToken()
	if err != nil {
		return "", Device{}, err
	}
	now := r.now()
	dev := Device{ID: site, EnrolledAt: now}
	err = r.db.Exec(ctx, func(tx *sql.Tx) error {
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM server_devices WHERE id = ?)`, site.String()).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return ErrEnrolled
		}
		var communes string
		err := tx.QueryRowContext(ctx, `UPDATE server_enrollments SET used_at = ?, device_id = ?
			WHERE code_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING officer, communes`,
			now.UnixMilli(), site.String(), hash(normalizeCode(code)), now.UnixMilli()).Scan(&dev.Officer, &communes)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrBadCode
		}
		if err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(communes), &dev.Communes); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO server_devices (id, token_hash, officer, communes, enrolled_at)
			VALUES (?, ?, ?, ?, ?)`, site.String(), hash(token), dev.Officer, communes, now.UnixMilli())
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

// Authenticate returns the device a token belongs to. Revoked devices and
// unknown tokens get ErrBadToken.
func (r *Registry) Authenticate(ctx context.Context, token string) (Device, error) {
	if token == "" {
		return Device{}, ErrBadToken
	}
	dev, err := r.scanDevice(r.db.SQL().QueryRowContext(ctx, `SELECT `+deviceColumns+`
		FROM server_devices WHERE token_hash = ?`, hash(token)))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && dev.Revoked) {
		return Device{}, ErrBadToken
	}
	if err != nil {
		return Device{}, fmt.Errorf("authenticate: %w", err)
	}
	return dev, nil
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

const deviceColumns = `id, officer, communes, enrolled_at, revoked_at IS NOT NULL`

func (r *Registry) scanDevice(row interface{ Scan(...any) error }) (Device, error) {
	var dev Device
	var id, communes string
	var enrolled int64
	if err := row.Scan(&id, &dev.Officer, &communes, &enrolled, &dev.Revoked); err != nil {
		return Device{}, err
	}
	var err error
	if dev.ID, err = uuid.Parse(id); err != nil {
		return Device{}, err
	}
	if err := json.Unmarshal([]byte(communes), &dev.Communes); err != nil {
		return Device{}, err
	}
	dev.EnrolledAt = time.UnixMilli(enrolled)
	return dev, nil
}

func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
