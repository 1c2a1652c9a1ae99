package app

import "github.com/spf13/cobra"

// householdCommands are the household's commands beyond the ones every
// record has: finding the families registered twice, and merging them.
func (a *app) householdCommands() []*cobra.Command {
	return []*cobra.Command{a.householdDuplicatesCmd(), a.householdMergeCmd()}
}
