package main

import (
	"hodan/indicators"
	"hodan/server/registry"
	"hodan/syncengine"
)

// serverMigrations lists the migrations of the server's own tables, after
// the domain's: the registry of devices, then the year's targets.
// Every command that opens the server's database opens it with these.
func serverMigrations() []syncengine.Migration {
	return append(registry.Migrations(), indicators.Migrations()...)
}
