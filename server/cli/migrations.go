package cli

import (
	"hodan/indicators"
	"hodan/server/accounts"
	"hodan/server/registry"
	"hodan/syncengine"
)

// serverMigrations lists the migrations of the server's own tables, after
// the domain's: the registry of devices, the operators' accounts, then
// the year's targets. Every command that opens the server's database
// opens it with these.
func serverMigrations() []syncengine.Migration {
	migs := append(registry.Migrations(), accounts.Migrations()...)
	return append(migs, indicators.Migrations()...)
}
