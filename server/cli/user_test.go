package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"hodan/internal/replica"
	"hodan/server/accounts"
)

// runServer runs hodan-server in-process with args, stdin as its
// standard input and only env as its environment.
func runServer(t *testing.T, stdin string, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errs bytes.Buffer
	getenv := func(name string) string { return env[name] }
	code = Run(context.Background(), args, Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errs, Getenv: getenv})
	return code, out.String(), errs.String()
}

// mustRun runs hodan-server and fails the test unless it succeeds.
func mustRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	code, out, errs := runServer(t, stdin, nil, args...)
	if code != 0 {
		t.Fatalf("hodan-server %s: exit %d\n%s", strings.Join(args, " "), code, errs)
	}
	return out
}

// actions reads the kinds of the action log of the database at path,
// oldest first, and checks its chain.
func actions(t *testing.T, path string) []string {
	t.Helper()
	db, err := replica.Open(context.Background(), path, replica.Options{Migrations: serverMigrations(), ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := accounts.NewStore(db, accounts.Options{})
	if _, err := s.VerifyActions(context.Background()); err != nil {
		t.Fatalf("the action log: %v", err)
	}
	log, err := s.Actions(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for i := len(log) - 1; i >= 0; i-- {
		kinds = append(kinds, log[i].Action+" "+log[i].Target+" by "+log[i].Login)
	}
	return kinds
}

func TestUserCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "server.db")
	out := mustRun(t, "mật khẩu quản trị\n", "user", "add", "--db", db, "--login", "An.NV", "--name", "Nguyễn Văn An",
		"--role", "admin", "--password-stdin")
	if !strings.Contains(out, "Đã thêm tài khoản Nguyễn Văn An (an.nv), vai trò quản trị, xã: mọi xã.") {
		t.Errorf("add said: %q", out)
	}
	mustRun(t, "mật khẩu của Minh\n", "user", "add", "--db", db, "--login", "minh", "--name", "Lò Văn Minh",
		"--role", "operator", "--commune", "05362", "--commune", "02008", "--password-stdin")

	table := mustRun(t, "", "user", "list", "--db", db)
	for _, want := range []string{"TÊN ĐĂNG NHẬP", "an.nv", "quản trị", "mọi xã", "Xã Lạc Lương, Xã Cẩm Giàng", "vận hành", "đang dùng"} {
		if !strings.Contains(table, want) {
			t.Errorf("list lacks %q:\n%s", want, table)
		}
	}
	var users []accounts.User
	if err := json.Unmarshal([]byte(mustRun(t, "", "user", "list", "--db", db, "--json")), &users); err != nil {
		t.Fatal(err)
	}
	if len(users) != 2 || users[1].Login != "minh" || users[1].Role != accounts.Operator || len(users[1].Communes) != 2 {
		t.Fatalf("list --json: %+v", users)
	}

	mustRun(t, "một mật khẩu mới\n", "user", "passwd", "--db", db, "minh", "--password-stdin")
	mustRun(t, "", "user", "disable", "--db", db, "minh")
	if table := mustRun(t, "", "user", "list", "--db", db); !strings.Contains(table, "đã khóa") {
		t.Errorf("list after disable:\n%s", table)
	}
	want := []string{"account.add an.nv by (command line)", "account.add minh by (command line)",
		"account.password minh by (command line)", "account.disable minh by (command line)"}
	if got := actions(t, db); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("action log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestUserCommandsRefuseBadInput: every refusal says what was wrong, in
// Vietnamese, exits 1 and adds or changes nothing.
func TestUserCommandsRefuseBadInput(t *testing.T) {
	db := filepath.Join(t.TempDir(), "server.db")
	mustRun(t, "mật khẩu quản trị\n", "user", "add", "--db", db, "--login", "an", "--name", "Nguyễn Văn An", "--role", "admin", "--password-stdin")
	add := func(extra ...string) []string {
		return append([]string{"user", "add", "--db", db, "--login", "lan", "--name", "Hà Thị Lan", "--role", "viewer"}, extra...)
	}
	cases := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"bad role", "mật khẩu đủ dài\n", append(add("--password-stdin"), "--role", "boss"), "vai trò không đúng"},
		{"bad login", "mật khẩu đủ dài\n", append(add("--password-stdin"), "--login", "Hà Lan"), "tên đăng nhập gồm 2 đến 40 ký tự"},
		{"no name", "mật khẩu đủ dài\n", append(add("--password-stdin"), "--name", " "), "họ và tên"},
		{"old commune", "mật khẩu đủ dài\n", add("--password-stdin", "--commune", "02011"), "trước ngày 1/7/2025"},
		{"not a commune", "mật khẩu đủ dài\n", add("--password-stdin", "--commune", "9"), "không phải mã xã"},
		{"short password", "ngắn\n", add("--password-stdin"), "ít nhất 10 ký tự"},
		{"password is login", "Lan.Ha.Thi\n", append(add("--password-stdin"), "--login", "lan.ha.thi"), "không được trùng với tên đăng nhập"},
		{"empty password", "\n", add("--password-stdin"), "dòng đầu tiên của đầu vào chuẩn trống"},
		{"no terminal", "", add(), "--password-stdin"},
		{"login taken", "mật khẩu đủ dài\n", append(add("--password-stdin"), "--login", "AN"), "đã có tài khoản"},
		{"passwd of nobody", "mật khẩu đủ dài\n", []string{"user", "passwd", "--db", db, "nobody", "--password-stdin"}, "không có tài khoản này"},
		{"disable nobody", "", []string{"user", "disable", "--db", db, "nobody"}, "không có tài khoản này"},
		{"no database", "", []string{"user", "list", "--db", filepath.Join(t.TempDir(), "none.db")}, "không có cơ sở dữ liệu máy chủ"},
		{"unknown language", "", []string{"user", "list", "--db", db, "--lang", "fr"}, "unknown language"},
	}
	before := actions(t, db)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runServer(t, c.stdin, nil, c.args...)
			if code != 1 || out != "" {
				t.Errorf("exit %d, stdout %q", code, out)
			}
			if !strings.Contains(errs, c.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
				t.Errorf("stderr %q, want one line with %q", errs, c.want)
			}
		})
	}
	if after := actions(t, db); len(after) != len(before) {
		t.Errorf("refused commands changed the accounts: %v", after[len(before):])
	}
}

// TestUserCommandsInEnglish: --lang en, or $HODAN_LANG=en, speaks English.
func TestUserCommandsInEnglish(t *testing.T) {
	db := filepath.Join(t.TempDir(), "server.db")
	code, out, errs := runServer(t, "a long password\n", nil, "user", "add", "--db", db, "--login", "an", "--name", "An", "--role", "viewer",
		"--commune", "05362", "--password-stdin", "--lang", "en")
	if code != 0 || !strings.Contains(out, "Added the account of An (an), role viewer, communes: Xã Lạc Lương.") {
		t.Errorf("exit %d: %q %q", code, out, errs)
	}
	_, out, _ = runServer(t, "", map[string]string{"HODAN_LANG": "en"}, "user", "list", "--db", db)
	if !strings.Contains(out, "LOGIN") || !strings.Contains(out, "active") {
		t.Errorf("HODAN_LANG=en: %q", out)
	}
	_, _, errs = runServer(t, "", map[string]string{"LANG": "en_US.UTF-8"}, "user", "disable", "--db", db, "nobody")
	if !strings.Contains(errs, "không có tài khoản này") {
		t.Errorf("an English locale alone changed the language: %q", errs)
	}
}
