// Package e2e holds Hodan's end-to-end tests: hodan-server and hodan, each
// on its own SQLite file in a temporary directory, talking real HTTP on
// loopback. Their command trees run in the test's process (server/cli.Run,
// client-cli/app.Run), as a process of them would: serve on 127.0.0.1:0
// until the test stops it. The binaries, built once per run, run in
// processes of their own where a process must be killed (crash_*), type
// at a terminal (visitnew), or be what people run (the walkthrough). It
// has no code of its own.
//
// With HODAN_E2E_STORE=postgres (and HODAN_TEST_POSTGRES naming a
// PostgreSQL server) every server of every test keeps its store in a new
// PostgreSQL database instead of a file (serverDB); the laptops stay on
// SQLite. Tests about the server's SQLite file as such skip in that run,
// naming what covers the same ground on PostgreSQL, and the tests of
// PostgreSQL alone run only in it.
package e2e
