package accounts

import (
	"errors"
	"fmt"
	"slices"
)

// Role is what an operator may do.
type Role string

// The roles.
const (
	Admin    Role = "admin"
	Operator Role = "operator"
	Viewer   Role = "viewer"
	Auditor  Role = "auditor"
)

// Roles lists every role, most powerful first.
var Roles = []Role{Admin, Operator, Viewer, Auditor}

// ErrUnknownRole is returned by ParseRole for a name that is no role.
var ErrUnknownRole = errors.New("unknown role")

// ParseRole reads a role's name.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !slices.Contains(Roles, r) {
		return "", fmt.Errorf("%w %q: use admin, operator, viewer or auditor", ErrUnknownRole, s)
	}
	return r, nil
}

// Permission is one kind of thing an operator does.
type Permission string

// The permissions the console and the commands check.
const (
	ManageAccounts Permission = "accounts"  // add, disable accounts, reset passwords
	ManageDevices  Permission = "devices"   // enroll and revoke laptops
	Reconcile      Permission = "reconcile" // merge duplicate households, settle records
	SetTargets     Permission = "targets"   // the year's targets per commune
	ViewReports    Permission = "reports"   // indicators, reports, freshness
	ViewAudit      Permission = "audit"     // checkpoints, the log's export, the action log
)

var grants = map[Role][]Permission{
	Admin:    {ManageAccounts, ManageDevices, ViewReports},
	Operator: {ManageDevices, Reconcile, SetTargets, ViewReports},
	Viewer:   {ViewReports},
	Auditor:  {ViewAudit},
}

// Can reports whether r grants p.
func (r Role) Can(p Permission) bool { return slices.Contains(grants[r], p) }
