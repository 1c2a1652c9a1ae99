package accounts_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"hodan/internal/pgtest"
	"hodan/internal/replica"
	"hodan/server/accounts"
)

type fixture struct {
	store *accounts.Store
	path  string
	now   time.Time
}

func mustStore(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{path: pgtest.Source(t, filepath.Join(t.TempDir(), "server.db")), now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	db, err := replica.Open(context.Background(), f.path, replica.Options{Migrations: accounts.Migrations()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.store = accounts.NewStore(db, accounts.Options{Now: func() time.Time { return f.now }, Cost: accounts.Cost{Time: 1, Memory: 256, Threads: 1}})
	return f
}

func (f *fixture) add(t *testing.T, login string, role accounts.Role, communes ...string) accounts.User {
	t.Helper()
	u, err := f.store.Add(context.Background(), accounts.NewUser{Login: login, Name: "Lò Văn " + login, Role: role,
		Communes: communes, Password: "mật khẩu dài " + login}, accounts.CommandLine)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAddAndList(t *testing.T) {
	f := mustStore(t)
	ctx := context.Background()
	f.add(t, "minh", accounts.Operator, "05362")
	f.add(t, "an", accounts.Viewer)
	users, err := f.store.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 2 || users[0].Login != "an" || users[1].Login != "minh" {
		t.Fatalf("accounts: %+v", users)
	}
	if !users[1].Sees("05362") || users[1].Sees("02008") || !users[0].Sees("02008") {
		t.Errorf("communes: %+v", users)
	}
	for name, n := range map[string]accounts.NewUser{
		"taken":      {Login: "MINH", Name: "x", Role: accounts.Viewer, Password: "long enough pw"},
		"bad login":  {Login: "Lò Minh", Name: "x", Role: accounts.Viewer, Password: "long enough pw"},
		"no name":    {Login: "x1", Role: accounts.Viewer, Password: "long enough pw"},
		"bad role":   {Login: "x2", Name: "x", Role: "boss", Password: "long enough pw"},
		"short pw":   {Login: "x3", Name: "x", Role: accounts.Viewer, Password: "short"},
		"pw = login": {Login: "longloginname", Name: "x", Role: accounts.Viewer, Password: "LongLoginName"},
	} {
		if _, err := f.store.Add(ctx, n, accounts.CommandLine); err == nil {
			t.Errorf("%s: account added", name)
		}
	}
	if users, _ := f.store.List(ctx); len(users) != 2 {
		t.Errorf("refused accounts were added: %d accounts", len(users))
	}
}

func TestRoles(t *testing.T) {
	cases := []struct {
		role accounts.Role
		can  []accounts.Permission
	}{
		{accounts.Admin, []accounts.Permission{accounts.ManageAccounts, accounts.ManageDevices, accounts.ViewReports}},
		{accounts.Operator, []accounts.Permission{accounts.ManageDevices, accounts.Reconcile, accounts.SetTargets, accounts.ViewReports}},
		{accounts.Viewer, []accounts.Permission{accounts.ViewReports}},
		{accounts.Auditor, []accounts.Permission{accounts.ViewAudit}},
	}
	all := []accounts.Permission{accounts.ManageAccounts, accounts.ManageDevices, accounts.Reconcile, accounts.SetTargets, accounts.ViewReports, accounts.ViewAudit}
	for _, c := range cases {
		for _, p := range all {
			want := false
			for _, q := range c.can {
				want = want || p == q
			}
			if got := c.role.Can(p); got != want {
				t.Errorf("%s can %s: %v, want %v", c.role, p, got, want)
			}
		}
	}
}

func TestLoginAndSessions(t *testing.T) {
	f := mustStore(t)
	ctx := context.Background()
	f.add(t, "minh", accounts.Operator, "05362")
	s, err := f.store.Login(ctx, " Minh ", "mật khẩu dài minh", "10.0.0.5")
	if err != nil {
		t.Fatal(err)
	}
	if s.Token == "" || s.CSRF == "" || s.User.Login != "minh" {
		t.Fatalf("session: %+v", s)
	}
	got, err := f.store.Session(ctx, s.Token)
	if err != nil || got.User.Login != "minh" || got.CSRF != s.CSRF {
		t.Fatalf("session: %+v, %v", got, err)
	}
	if _, err := f.store.Session(ctx, s.Token+"x"); !errors.Is(err, accounts.ErrNoSession) {
		t.Errorf("a forged token: %v", err)
	}
	// Used within the idle limit, the session lives on; past it, it ends.
	f.now = f.now.Add(accounts.SessionIdle - time.Minute)
	if _, err := f.store.Session(ctx, s.Token); err != nil {
		t.Fatalf("a session used before its idle limit: %v", err)
	}
	f.now = f.now.Add(accounts.SessionIdle + time.Minute)
	if _, err := f.store.Session(ctx, s.Token); !errors.Is(err, accounts.ErrNoSession) {
		t.Errorf("an idle session: %v", err)
	}
	// A new password and a disabled account end every session.
	s1, _ := f.store.Login(ctx, "minh", "mật khẩu dài minh", "10.0.0.5")
	if err := f.store.SetPassword(ctx, "minh", "một mật khẩu mới", accounts.CommandLine); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Session(ctx, s1.Token); !errors.Is(err, accounts.ErrNoSession) {
		t.Errorf("a session after a new password: %v", err)
	}
	if _, err := f.store.Login(ctx, "minh", "mật khẩu dài minh", "10.0.0.5"); !errors.Is(err, accounts.ErrBadLogin) {
		t.Errorf("the old password: %v", err)
	}
	s2, err := f.store.Login(ctx, "minh", "một mật khẩu mới", "10.0.0.5")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.Logout(ctx, s2.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Session(ctx, s2.Token); !errors.Is(err, accounts.ErrNoSession) {
		t.Errorf("a session after logout: %v", err)
	}
	s3, _ := f.store.Login(ctx, "minh", "một mật khẩu mới", "10.0.0.5")
	if err := f.store.Disable(ctx, "minh", accounts.CommandLine); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Session(ctx, s3.Token); !errors.Is(err, accounts.ErrNoSession) {
		t.Errorf("a session of a disabled account: %v", err)
	}
	if _, err := f.store.Login(ctx, "minh", "một mật khẩu mới", "10.0.0.5"); !errors.Is(err, accounts.ErrBadLogin) {
		t.Errorf("a disabled account logs in: %v", err)
	}
}

func TestLoginAttemptsAreLimited(t *testing.T) {
	f := mustStore(t)
	ctx := context.Background()
	f.add(t, "minh", accounts.Operator)
	for i := 0; i < accounts.MaxFailsPerLogin; i++ {
		if _, err := f.store.Login(ctx, "minh", "wrong guess "+string(rune('a'+i)), "10.0.0.9"); !errors.Is(err, accounts.ErrBadLogin) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	// Past the limit even the right password is refused, from anywhere.
	if _, err := f.store.Login(ctx, "minh", "mật khẩu dài minh", "10.0.0.5"); !errors.Is(err, accounts.ErrThrottled) {
		t.Fatalf("after %d failures: %v", accounts.MaxFailsPerLogin, err)
	}
	f.now = f.now.Add(accounts.FailWindow + time.Second)
	if _, err := f.store.Login(ctx, "minh", "mật khẩu dài minh", "10.0.0.5"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	// Guessing across logins from one address is limited too; a login
	// that does not exist fails like a wrong password.
	for i := 0; i < accounts.MaxFailsPerIP; i++ {
		if _, err := f.store.Login(ctx, "nobody"+string(rune('a'+i)), "x", "10.0.0.66"); !errors.Is(err, accounts.ErrBadLogin) {
			t.Fatalf("login %d: %v", i, err)
		}
	}
	if _, err := f.store.Login(ctx, "minh", "mật khẩu dài minh", "10.0.0.66"); !errors.Is(err, accounts.ErrThrottled) {
		t.Errorf("from an address that guessed %d times: %v", accounts.MaxFailsPerIP, err)
	}
}

func TestActionLog(t *testing.T) {
	f := mustStore(t)
	ctx := context.Background()
	f.add(t, "minh", accounts.Operator)
	s, err := f.store.Login(ctx, "minh", "mật khẩu dài minh", "10.0.0.5")
	if err != nil {
		t.Fatal(err)
	}
	by := accounts.Actor{Login: s.User.Login, Role: s.User.Role, Origin: "console from 10.0.0.5"}
	if err := f.store.Record(ctx, by, "device.revoke", "3f2a91c0", map[string]any{"officer": "Lò Văn Minh"}); err != nil {
		t.Fatal(err)
	}
	log, err := f.store.Actions(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, a := range log {
		kinds = append(kinds, a.Action)
	}
	if want := []string{"device.revoke", "login", "account.add"}; len(kinds) != 3 || kinds[0] != want[0] || kinds[1] != want[1] || kinds[2] != want[2] {
		t.Fatalf("log, newest first: %v, want %v", kinds, want)
	}
	if n, err := f.store.VerifyActions(ctx); err != nil || n != 3 {
		t.Fatalf("verify: %d entries, %v", n, err)
	}
	// Anyone who edits or removes an entry with SQL breaks the chain.
	for name, stmt := range map[string]string{
		"edited":  `UPDATE server_actions SET target = 'other' WHERE action = 'device.revoke'`,
		"removed": `DELETE FROM server_actions WHERE action = 'login'`,
	} {
		t.Run(name, func(t *testing.T) {
			g := mustStore(t)
			g.add(t, "a1", accounts.Viewer)
			g.add(t, "a2", accounts.Viewer)
			if _, err := g.store.Login(ctx, "a1", "mật khẩu dài a1", "10.0.0.5"); err != nil {
				t.Fatal(err)
			}
			g.store.Record(ctx, accounts.CommandLine, "device.revoke", "x", nil)
			driver := "sqlite3"
			if pgtest.Active() {
				driver = "pgx"
			}
			raw, err := sql.Open(driver, g.path)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := raw.Exec(stmt); err != nil {
				t.Fatal(err)
			}
			if _, err := g.store.VerifyActions(ctx); !errors.Is(err, accounts.ErrActionLogAltered) {
				t.Errorf("verify after the log was %s: %v", name, err)
			}
		})
	}
}

// TestMain runs the accounts' tests on SQLite, then again on PostgreSQL
// when HODAN_TEST_POSTGRES names a server (see package pgtest).
func TestMain(m *testing.M) { pgtest.Main(m) }
