package ops

import (
	"slices"
	"strings"
)

// Actor is who does an operation: the officer's name, which records that
// carry their officer (a visit) are written with, and the communes they
// may write. A laptop acts for its enrollment's communes; a server
// operator for the communes of their account, nil meaning every commune.
type Actor struct {
	Officer  string
	Communes []string
}

// InScope reports whether the actor may write records of commune.
func (a Actor) InScope(commune string) bool {
	return a.Communes == nil || slices.Contains(a.Communes, commune)
}

// communeList names the actor's communes for a message.
func (a Actor) communeList() string { return strings.Join(a.Communes, ", ") }
