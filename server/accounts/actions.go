package accounts

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Actor is who does an action: an operator in the console, or someone at
// the server's command line.
type Actor struct {
	Login  string
	Role   Role
	Origin string // "console from 10.0.0.5", "command line"
}

// CommandLine is the actor of hodan-server's commands: whoever can run
// them holds the server's database file.
var CommandLine = Actor{Login: "(command line)", Role: Admin, Origin: "command line"}

// Action is one entry of the action log.
type Action struct {
	ID     int64           `json:"id"`
	At     time.Time       `json:"at"`
	Login  string          `json:"login"`
	Role   Role            `json:"role"`
	Action string          `json:"action"`
	Target string          `json:"target"`
	Detail json.RawMessage `json:"detail"`
	Origin string          `json:"origin"`
}

// Record writes an action to the log in its own transaction. Actions that
// change the database are recorded in the same transaction as the change
// instead (see Add); Record is for those that change something elsewhere
// or nothing (a report downloaded, a laptop revoked through the registry).
func (s *Store) Record(ctx context.Context, by Actor, action, target string, detail map[string]any) error {
	return s.db.Exec(ctx, func(tx *sql.Tx) error { return s.record(ctx, tx, by, action, target, orEmpty(detail)) })
}

// RecordTx writes an action in the caller's transaction, with the change
// it describes.
func (s *Store) RecordTx(ctx context.Context, tx *sql.Tx, by Actor, action, target string, detail map[string]any) error {
	return s.record(ctx, tx, by, action, target, orEmpty(detail))
}

// orEmpty is detail, or an empty one for none.
func orEmpty(detail map[string]any) map[string]any {
	if detail == nil {
		return map[string]any{}
	}
	return detail
}

// record writes an action with detail, a value encoding/json encodes as
// an object, in tx.
func (s *Store) record(ctx context.Context, tx *sql.Tx, by Actor, action, target string, detail any) error {
	body, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("log action %s: %w", action, err)
	}
	var prev []byte
	err = tx.QueryRowContext(ctx, `SELECT hash FROM server_actions ORDER BY id DESC LIMIT 1`).Scan(&prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("log action %s: %w", action, err)
	}
	a := Action{At: s.now(), Login: by.Login, Role: by.Role, Action: action, Target: target, Detail: body, Origin: by.Origin}
	h := a.hash(prev)
	_, err = tx.ExecContext(ctx, `INSERT INTO server_actions (at, login, role, action, target, detail, origin, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.At.UnixMilli(), a.Login, string(a.Role), a.Action, a.Target, string(a.Detail), a.Origin, h[:])
	if err != nil {
		return fmt.Errorf("log action %s: %w", action, err)
	}
	return nil
}

// hash chains the entry to prev: SHA-256 of prev and each field, each
// field length-prefixed so that no two entries hash alike.
func (a *Action) hash(prev []byte) [32]byte {
	h := sha256.New()
	h.Write(prev)
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(a.At.UnixMilli()))
	h.Write(n[:])
	for _, f := range []string{a.Login, string(a.Role), a.Action, a.Target, string(a.Detail), a.Origin} {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

// Actions returns the log's latest entries, newest first, up to limit.
func (s *Store) Actions(ctx context.Context, limit int) ([]Action, error) {
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT id, at, login, role, action, target, detail, origin
		FROM server_actions ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read the action log: %w", err)
	}
	defer rows.Close()
	var out []Action
	for rows.Next() {
		a, _, err := scanAction(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func scanAction(rows *sql.Rows, withHash bool) (Action, []byte, error) {
	var a Action
	var at int64
	var role, detail string
	var hash []byte
	dest := []any{&a.ID, &at, &a.Login, &role, &a.Action, &a.Target, &detail, &a.Origin}
	if withHash {
		dest = append(dest, &hash)
	}
	if err := rows.Scan(dest...); err != nil {
		return a, nil, fmt.Errorf("read the action log: %w", err)
	}
	a.At, a.Role, a.Detail = time.UnixMilli(at), Role(role), json.RawMessage(detail)
	return a, hash, nil
}

// ErrActionLogAltered is returned by VerifyActions when an entry's hash
// does not follow from the entries before it.
var ErrActionLogAltered = errors.New("the action log was altered")

// VerifyActions checks the chain of the whole action log and returns how
// many entries it holds.
func (s *Store) VerifyActions(ctx context.Context) (int, error) {
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT id, at, login, role, action, target, detail, origin, hash
		FROM server_actions ORDER BY id`)
	if err != nil {
		return 0, fmt.Errorf("read the action log: %w", err)
	}
	defer rows.Close()
	var prev []byte
	n := 0
	for rows.Next() {
		a, h, err := scanAction(rows, true)
		if err != nil {
			return n, err
		}
		if want := a.hash(prev); !bytes.Equal(h, want[:]) {
			return n, fmt.Errorf("%w: entry %d (%s %s by %s)", ErrActionLogAltered, a.ID, a.Action, a.Target, a.Login)
		}
		prev = h
		n++
	}
	return n, rows.Err()
}
