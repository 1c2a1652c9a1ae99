package replica

import (
	"fmt"
	"time"
)

// ClockOffsetVar names the environment variable that moves a Hodan
// process's wall clock by a duration ("72h", "-1h30m"). It is for tests,
// which run the real binaries as a laptop or a server whose clock is
// wrong; nobody sets it in the field.
const ClockOffsetVar = "HODAN_CLOCK_OFFSET"

// ClockFromEnv is the wall clock $HODAN_CLOCK_OFFSET asks for: nil (the
// real clock) when it is unset.
func ClockFromEnv(getenv func(string) string) (func() time.Time, error) {
	s := getenv(ClockOffsetVar)
	if s == "" {
		return nil, nil
	}
	offset, err := time.ParseDuration(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ClockOffsetVar, err)
	}
	return func() time.Time { return time.Now().Add(offset) }, nil
}
