package accounts

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"hodan/internal/web"
)

// Cost is what Argon2id spends on one password: passes over Memory KiB
// with Threads lanes.
type Cost struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultCost follows RFC 9106 §4 (its second recommended option, with
// the parallelism of a 2-core district server): 64 MiB of memory, three
// passes. A login costs about a tenth of a second; a guess as much.
var DefaultCost = Cost{Time: 3, Memory: 64 * 1024, Threads: 2}

const (
	argonKeyLen = 32
	saltLen     = 16
)

// MinPasswordLength is the shortest password an account may have.
const MinPasswordLength = 10

// ErrWeakPassword is returned for a password too short or too plain;
// ErrShortPassword and ErrPasswordIsLogin say which.
var (
	ErrWeakPassword    = errors.New("weak password")
	ErrShortPassword   = fmt.Errorf("%w: a password has at least %d characters", ErrWeakPassword, MinPasswordLength)
	ErrPasswordIsLogin = fmt.Errorf("%w: the password must not be the login", ErrWeakPassword)
)

// CheckPassword refuses a password an operator should not have: shorter
// than MinPasswordLength characters, or the login itself.
func CheckPassword(login, password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return ErrShortPassword
	}
	if strings.EqualFold(strings.TrimSpace(password), strings.TrimSpace(login)) {
		return ErrPasswordIsLogin
	}
	return nil
}

// hashPassword returns password's Argon2id hash in the PHC string format,
// with a fresh salt.
func hashPassword(password string, c Cost) string {
	salt := web.RandomBytes(saltLen)
	key := argon2.IDKey([]byte(password), salt, c.Time, c.Memory, c.Threads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, c.Memory, c.Time, c.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// verifyPassword reports whether password matches the PHC string hash,
// with the cost the hash was made with.
func verifyPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var memory, time uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &time, &threads); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, time, memory, threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}
