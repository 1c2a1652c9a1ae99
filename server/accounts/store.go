package accounts

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"hodan/syncengine"
)

// User is an operator's account.
type User struct {
	ID       int64     `json:"-"`
	Login    string    `json:"login"`
	Name     string    `json:"name"`
	Role     Role      `json:"role"`
	Communes []string  `json:"communes"` // empty: every commune of the server
	Created  time.Time `json:"created"`
	Disabled bool      `json:"disabled"`
}

// Can reports whether the user may do p.
func (u *User) Can(p Permission) bool { return !u.Disabled && u.Role.Can(p) }

// Sees reports whether the user may see commune.
func (u *User) Sees(commune string) bool {
	return len(u.Communes) == 0 || slices.Contains(u.Communes, commune)
}

// SeesAll reports whether the user may see every one of communes.
func (u *User) SeesAll(communes []string) bool {
	for _, c := range communes {
		if !u.Sees(c) {
			return false
		}
	}
	return true
}

// Store keeps the accounts, sessions and action log in the server's
// database. It is safe for concurrent use, and several processes may use
// one database.
type Store struct {
	db   *syncengine.DB
	now  func() time.Time
	cost Cost
	// dummy is verified against when a login names no account, so that
	// the answer takes as long as for a wrong password. It is made at the
	// first such login.
	dummy func() string
}

// Options are how a Store is made. The zero value is the production
// setting.
type Options struct {
	Now  func() time.Time // the wall clock; nil: time.Now
	Cost Cost             // zero: DefaultCost (tests choose a cheaper one)
}

// NewStore returns the store of db's accounts.
func NewStore(db *syncengine.DB, opts Options) *Store {
	s := &Store{db: db, now: opts.Now, cost: opts.Cost}
	if s.now == nil {
		s.now = time.Now
	}
	if s.cost == (Cost{}) {
		s.cost = DefaultCost
	}
	s.dummy = sync.OnceValue(func() string { return hashPassword("no account has this password", s.cost) })
	return s
}

// Errors of the store.
var (
	ErrExists     = errors.New("an account with this login exists")
	ErrNoAccount  = errors.New("no such account")
	ErrBadLogin   = errors.New("wrong login or password")
	ErrThrottled  = errors.New("too many failed logins")
	ErrNoSession  = errors.New("no such session")
	ErrBadAccount = errors.New("invalid account")
)

// The reasons an account is refused, each an ErrBadAccount.
var (
	ErrLoginFormat = fmt.Errorf("%w: a login is 2 to 40 lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit", ErrBadAccount)
	ErrNoName      = fmt.Errorf("%w: give the operator's full name", ErrBadAccount)
)

// NewUser is what adding an account takes.
type NewUser struct {
	Login    string
	Name     string
	Role     Role
	Communes []string
	Password string
}

var loginPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,39}$`)

func (n *NewUser) check() error {
	if err := n.CheckFields(); err != nil {
		return err
	}
	return CheckPassword(n.Login, n.Password)
}

// CheckFields tidies n's login and name (spaces, case) and reports what
// Add would refuse of them or of n's role; CheckPassword checks the
// password. A command calls it before asking for the password.
func (n *NewUser) CheckFields() error {
	n.Login = strings.ToLower(strings.TrimSpace(n.Login))
	n.Name = strings.TrimSpace(n.Name)
	if !loginPattern.MatchString(n.Login) {
		return ErrLoginFormat
	}
	if n.Name == "" {
		return ErrNoName
	}
	if _, err := ParseRole(string(n.Role)); err != nil {
		return fmt.Errorf("%w: %w", ErrBadAccount, err)
	}
	return nil
}

// Add creates an account. by is who did it, for the action log.
func (s *Store) Add(ctx context.Context, n NewUser, by Actor) (User, error) {
	if err := n.check(); err != nil {
		return User{}, err
	}
	communes := n.Communes
	if communes == nil {
		communes = []string{}
	}
	list, _ := json.Marshal(communes) // a []string always encodes
	hash := hashPassword(n.Password, s.cost)
	now := s.now().UnixMilli()
	var u User
	err := s.db.Exec(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO server_users (login, name, role, communes, password, created_at, password_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (login) DO NOTHING`, n.Login, n.Name, string(n.Role), string(list), hash, now, now)
		if err != nil {
			return fmt.Errorf("add account: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return fmt.Errorf("%w: %s", ErrExists, n.Login)
		}
		id, _ := res.LastInsertId()
		u = User{ID: id, Login: n.Login, Name: n.Name, Role: n.Role, Communes: communes, Created: time.UnixMilli(now)}
		return s.record(ctx, tx, by, "account.add", n.Login, map[string]any{"role": n.Role, "communes": communes, "name": n.Name})
	})
	return u, err
}

// List returns every account, by login.
func (s *Store) List(ctx context.Context) ([]User, error) {
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT `+userColumns+` FROM server_users ORDER BY login`)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// User returns the account of login.
func (s *Store) User(ctx context.Context, login string) (User, error) {
	u, err := scanUser(s.db.SQL().QueryRowContext(ctx, `SELECT `+userColumns+` FROM server_users WHERE login = ?`, strings.TrimSpace(login)))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("%w: %s", ErrNoAccount, login)
	}
	return u, err
}

const userColumns = `id, login, name, role, communes, created_at, disabled_at IS NOT NULL`

type scanner interface{ Scan(...any) error }

// scanUser reads an account's userColumns, after the extra columns a
// query selects before them.
func scanUser(row scanner, extra ...any) (User, error) {
	var u User
	var role, communes string
	var created int64
	if err := row.Scan(append(extra, &u.ID, &u.Login, &u.Name, &role, &communes, &created, &u.Disabled)...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return u, err
		}
		return u, fmt.Errorf("read account: %w", err)
	}
	u.Role = Role(role)
	u.Created = time.UnixMilli(created)
	if err := json.Unmarshal([]byte(communes), &u.Communes); err != nil {
		return u, fmt.Errorf("read account %s: %w", u.Login, err)
	}
	return u, nil
}

// Disable closes an account: it can no longer log in, and its sessions end.
func (s *Store) Disable(ctx context.Context, login string, by Actor) error {
	return s.change(ctx, login, by, "account.disable", nil, func(tx *sql.Tx, id int64) error {
		if _, err := tx.ExecContext(ctx, `UPDATE server_users SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL`, s.now().UnixMilli(), id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM server_sessions WHERE user_id = ?`, id)
		return err
	})
}

// SetPassword gives an account a new password and ends its sessions.
func (s *Store) SetPassword(ctx context.Context, login, password string, by Actor) error {
	if err := CheckPassword(login, password); err != nil {
		return err
	}
	hash := hashPassword(password, s.cost)
	return s.change(ctx, login, by, "account.password", nil, func(tx *sql.Tx, id int64) error {
		if _, err := tx.ExecContext(ctx, `UPDATE server_users SET password = ?, password_at = ? WHERE id = ?`, hash, s.now().UnixMilli(), id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM server_sessions WHERE user_id = ?`, id)
		return err
	})
}

// change runs fn on the account of login in one transaction, with the
// action logged.
func (s *Store) change(ctx context.Context, login string, by Actor, action string, detail map[string]any, fn func(tx *sql.Tx, id int64) error) error {
	return s.db.Exec(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM server_users WHERE login = ?`, strings.TrimSpace(login)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: %s", ErrNoAccount, login)
		}
		if err != nil {
			return fmt.Errorf("%s %s: %w", action, login, err)
		}
		if err := fn(tx, id); err != nil {
			return fmt.Errorf("%s %s: %w", action, login, err)
		}
		return s.record(ctx, tx, by, action, strings.ToLower(strings.TrimSpace(login)), detail)
	})
}
