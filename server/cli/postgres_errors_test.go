package cli

import (
	"net/url"
	"strings"
	"testing"

	"hodan/internal/pgtest"
)

// TestPostgresOpenErrorsSayWhatToDo: a --db naming a PostgreSQL database
// that cannot be opened is said in Vietnamese (English on request) with
// what to do — create the database, check the role, start the server, fix
// the address — never as the driver's English.
func TestPostgresOpenErrorsSayWhatToDo(t *testing.T) {
	with := func(t *testing.T, change func(u *url.URL)) string {
		u, err := url.Parse(pgtest.Server(t))
		if err != nil {
			t.Fatal(err)
		}
		change(u)
		return u.String()
	}
	for _, c := range []struct {
		name string
		db   func(t *testing.T) string
		vi   string
		en   string
	}{
		{"no database", func(t *testing.T) string { return with(t, func(u *url.URL) { u.Path = "/chua_tao" }) },
			`không có cơ sở dữ liệu "chua_tao": hãy tạo nó trước (createdb -O`, `has no database "chua_tao": create it first`},
		{"no role", func(t *testing.T) string { return with(t, func(u *url.URL) { u.User = url.User("khong_co_vai_tro") }) },
			`không cho vai trò "khong_co_vai_tro" đăng nhập`, `does not let the role "khong_co_vai_tro" log in`},
		{"no server", func(*testing.T) string { return "postgres://hodan@127.0.0.1:1/hodan" },
			"không kết nối được tới máy chủ PostgreSQL 127.0.0.1: nó đã chạy chưa", "cannot reach the PostgreSQL server 127.0.0.1"},
		{"bad address", func(*testing.T) string { return "postgres://hodan@[::1:5432/hodan" },
			"không đọc được địa chỉ PostgreSQL trong --db", "cannot read the PostgreSQL address in --db"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := c.db(t)
			for _, lang := range []struct{ flag, want string }{{"vi", c.vi}, {"en", c.en}} {
				_, stderr := runWant(t, 1, "--lang", lang.flag, "digest", "--db", db)
				if !strings.Contains(stderr, lang.want) || strings.Contains(stderr, "SQLSTATE") {
					t.Errorf("%s: %q, want %q", lang.flag, stderr, lang.want)
				}
			}
		})
	}
}
