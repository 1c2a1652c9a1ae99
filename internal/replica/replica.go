// Package replica opens a Hodan database: the sync engine configured with
// the domain's tables and migrations. It is the one place where schema and
// syncengine meet, so that neither has to know the other.
package replica

import (
	"context"
	"time"

	"hodan/schema"
	"hodan/syncengine"
)

// Options are how a binary opens its database.
type Options struct {
	// Migrations of the binary's own tables (devices, settings), applied
	// after the domain's.
	Migrations []syncengine.Migration
	// ReadOnly opens an existing database without writing to it.
	ReadOnly bool
	// Now is the wall clock; nil means time.Now.
	Now func() time.Time
	// ClockTolerance is how far past its wall clock the database's clock
	// follows stamps it receives; 0 means syncengine.DefaultClockTolerance.
	ClockTolerance time.Duration
	// WriteWaits and Waiting: see syncengine.Config.
	WriteWaits int
	Waiting    func()
}

// Open opens or creates the Hodan database at path.
func Open(ctx context.Context, path string, opts Options) (*syncengine.DB, error) {
	return syncengine.Open(ctx, path, syncengine.Config{
		Tables:         Specs(),
		Migrations:     append(migrations(), opts.Migrations...),
		ReadOnly:       opts.ReadOnly,
		Now:            opts.Now,
		ClockTolerance: opts.ClockTolerance,
		WriteWaits:     opts.WriteWaits,
		Waiting:        opts.Waiting,
	})
}

// Specs describes the domain's tables to the sync engine.
func Specs() []syncengine.TableSpec {
	var specs []syncengine.TableSpec
	for _, t := range schema.Tables() {
		specs = append(specs, syncengine.TableSpec{
			Name:         t.Name,
			ScopeColumn:  t.ScopeColumn,
			ParentColumn: t.ParentColumn,
			ParentTable:  t.ParentTable,
			Columns:      t.ColumnNames(),
		})
	}
	return specs
}

func migrations() []syncengine.Migration {
	var migs []syncengine.Migration
	for _, m := range schema.Migrations() {
		migs = append(migs, syncengine.Migration{Name: "domain/" + m.Name, Up: m.Up})
	}
	return migs
}
