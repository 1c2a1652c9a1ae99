// Package accounts keeps the operators of a district server: their
// accounts (login, name, role, the communes they may see), passwords
// hashed with Argon2id, sessions of the web console stored server-side,
// a limit on login attempts, and the log of every operator action, which
// the auditor reads. Everything lives in the server's database, so that
// several server processes on one store agree on it.
//
// Roles, each limited to a set of communes (none listed: all of the
// server's):
//
//	admin     accounts and laptops (enroll, revoke), reports
//	operator  enroll and revoke laptops, reconcile, targets, reports
//	viewer    reports only
//	auditor   the audit only
package accounts
