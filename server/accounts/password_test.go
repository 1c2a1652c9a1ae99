package accounts

import (
	"strings"
	"testing"
)

// TestPasswordHash: production hashes are Argon2id at RFC 9106's cost,
// salted, and verified with the cost they were made with.
func TestPasswordHash(t *testing.T) {
	h := hashPassword("mật khẩu dài", DefaultCost)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q is not Argon2id at the default cost", h)
	}
	if !verifyPassword(h, "mật khẩu dài") {
		t.Error("the password does not verify")
	}
	if verifyPassword(h, "mật khẩu dai") || verifyPassword(h, "") {
		t.Error("a wrong password verifies")
	}
	if h == hashPassword("mật khẩu dài", DefaultCost) {
		t.Error("two hashes of one password are equal: no salt")
	}
	cheap := hashPassword("x", Cost{Time: 1, Memory: 64, Threads: 1})
	if !verifyPassword(cheap, "x") {
		t.Error("a hash of another cost does not verify")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=64,t=1,p=1$AAAA$AAAA", "$argon2id$v=18$m=64,t=1,p=1$AAAA$AAAA", "plain"} {
		if verifyPassword(bad, "x") {
			t.Errorf("malformed hash %q verifies", bad)
		}
	}
}
