package accounts

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"hodan/internal/web"
)

// Session is a logged-in operator's session of the console.
type Session struct {
	Token string // the cookie's value; only its hash is stored
	CSRF  string // the token every form of the session carries
	User  User
}

// Limits of sessions and of guessing.
const (
	// SessionIdle ends a session nobody used for this long.
	SessionIdle = 8 * time.Hour
	// FailWindow, MaxFailsPerLogin and MaxFailsPerIP: a login that failed
	// MaxFailsPerLogin times within FailWindow, or an address that failed
	// MaxFailsPerIP times, is refused until the window has passed,
	// whatever the password.
	FailWindow       = 15 * time.Minute
	MaxFailsPerLogin = 5
	MaxFailsPerIP    = 20
)

// Login checks an operator's password and opens a session. ip is the
// address the attempt came from. Every failure takes as long as a
// wrong password, names no reason an attacker could use (ErrBadLogin),
// and counts toward the limit; past the limit the answer is ErrThrottled
// even for the right password.
func (s *Store) Login(ctx context.Context, login, password, ip string) (Session, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	now := s.now()
	if throttled, err := s.throttled(ctx, login, ip, now); err != nil || throttled {
		if err == nil {
			err = fmt.Errorf("%w: wait %d minutes and try again", ErrThrottled, int(FailWindow.Minutes()))
		}
		return Session{}, err
	}
	var id int64
	var hash string
	var disabled bool
	err := s.db.SQL().QueryRowContext(ctx, `SELECT id, password, disabled_at IS NOT NULL FROM server_users WHERE login = ?`, login).
		Scan(&id, &hash, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		verifyPassword(s.dummy(), password)
		return Session{}, s.failed(ctx, login, ip, now)
	}
	if err != nil {
		return Session{}, fmt.Errorf("login: %w", err)
	}
	if !verifyPassword(hash, password) || disabled {
		return Session{}, s.failed(ctx, login, ip, now)
	}
	sess := Session{Token: web.RandomToken(), CSRF: web.RandomToken()}
	th := tokenHash(sess.Token)
	by := Actor{Login: login, Origin: "console from " + ip}
	err = s.db.Exec(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO server_sessions (token_hash, user_id, csrf, created_at, seen_at) VALUES (?, ?, ?, ?, ?)`,
			th[:], id, sess.CSRF, now.UnixMilli(), now.UnixMilli()); err != nil {
			return fmt.Errorf("open session: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM server_login_failures WHERE at < ?`, now.Add(-24*time.Hour).UnixMilli()); err != nil {
			return fmt.Errorf("open session: %w", err)
		}
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM server_users WHERE id = ?`, id))
		if err != nil {
			return err
		}
		sess.User, by.Role = u, u.Role
		return s.record(ctx, tx, by, "login", login, nil)
	})
	return sess, err
}

func (s *Store) throttled(ctx context.Context, login, ip string, now time.Time) (bool, error) {
	var byLogin, byIP int
	since := now.Add(-FailWindow).UnixMilli()
	err := s.db.SQL().QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM server_login_failures WHERE login = ? AND at > ?),
		(SELECT count(*) FROM server_login_failures WHERE ip = ? AND at > ?)`, login, since, ip, since).Scan(&byLogin, &byIP)
	if err != nil {
		return false, fmt.Errorf("login: %w", err)
	}
	return byLogin >= MaxFailsPerLogin || byIP >= MaxFailsPerIP, nil
}

// failed records a failed login and returns ErrBadLogin.
func (s *Store) failed(ctx context.Context, login, ip string, now time.Time) error {
	err := s.db.Exec(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO server_login_failures (login, ip, at) VALUES (?, ?, ?)`, login, ip, now.UnixMilli())
		return err
	})
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	return ErrBadLogin
}

// Session returns the session whose cookie holds token, with its
// account, and marks it used. A session unused for SessionIdle, or of a
// disabled account, is over (ErrNoSession).
func (s *Store) Session(ctx context.Context, token string) (Session, error) {
	if token == "" {
		return Session{}, ErrNoSession
	}
	th := tokenHash(token)
	now := s.now()
	var sess Session
	var seen int64
	u, err := scanUser(s.db.SQL().QueryRowContext(ctx, `SELECT s.csrf, s.seen_at, `+prefixed("u.", userColumns)+`
		FROM server_sessions s JOIN server_users u ON u.id = s.user_id WHERE s.token_hash = ?`, th[:]), &sess.CSRF, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, fmt.Errorf("read session: %w", err)
	}
	if u.Disabled || now.Sub(time.UnixMilli(seen)) > SessionIdle {
		return Session{}, ErrNoSession
	}
	sess.Token, sess.User = token, u
	// Marking the session used costs a write: do it once a minute at most.
	if now.Sub(time.UnixMilli(seen)) > time.Minute {
		err = s.db.Exec(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE server_sessions SET seen_at = ? WHERE token_hash = ?`, now.UnixMilli(), th[:])
			return err
		})
		if err != nil {
			return Session{}, fmt.Errorf("mark session used: %w", err)
		}
	}
	return sess, nil
}

// Logout ends the session whose cookie holds token.
func (s *Store) Logout(ctx context.Context, token string) error {
	th := tokenHash(token)
	return s.db.Exec(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM server_sessions WHERE token_hash = ?`, th[:])
		return err
	})
}

func tokenHash(token string) [32]byte { return sha256.Sum256([]byte(token)) }

// prefixed puts p before each of the comma-separated column names cols.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}
