package cli

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"hodan/indicators"
	"hodan/internal/i18n"
	"hodan/schema"
)

func targetCmd(t tr) *cobra.Command {
	return groupCmd("target", t.T("server.target.short"), targetSetCmd(t), targetListCmd(t))
}

func targetSetCmd(t tr) *cobra.Command {
	var db, commune string
	var year int
	var asJSON bool
	values := map[string]*string{}
	cmd := &cobra.Command{
		Use:   t.T("server.target.set.use"),
		Short: t.T("server.target.set.short"),
		Long:  t.T("server.target.set.long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			set := map[string]float64{}
			for _, ind := range indicators.Targetable() {
				if !cmd.Flags().Changed(ind.TargetFlag) {
					continue
				}
				v, err := indicators.ReadTarget(ind, *values[ind.Key])
				if err != nil {
					return i18n.Errorf("server.error.flag", "--"+ind.TargetFlag, err)
				}
				set[ind.Key] = v
			}
			d, err := openExisting(cmd.Context(), db, false)
			if err != nil {
				return err
			}
			defer d.Close()
			if err := indicators.SetTargets(cmd.Context(), d, year, commune, set, time.Now()); err != nil {
				return onFlag(err, targetFlags())
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), map[string]any{"year": year, "commune": commune, "targets": set})
			}
			fmt.Fprintln(cmd.OutOrStdout(), t.T("server.target.set_done", year, t.targetArea(commune)))
			for _, ind := range indicators.Targetable() {
				if v, ok := set[ind.Key]; ok {
					fmt.Fprintf(cmd.OutOrStdout(), "  %s: %s\n", ind.NameIn(t.lang), t.withUnit(v, ind.Unit))
				}
			}
			return nil
		},
	}
	dbFlag(t, cmd, &db)
	cmd.Flags().IntVar(&year, "year", 0, t.T("server.target.flag.year"))
	cmd.Flags().StringVar(&commune, "commune", "", t.T("server.target.flag.commune"))
	for _, ind := range indicators.Targetable() {
		values[ind.Key] = cmd.Flags().String(ind.TargetFlag, "", ind.NameIn(t.lang)+" ("+indicators.UnitLabel(t.lang, ind.Unit)+")")
	}
	jsonFlag(t, cmd, &asJSON)
	return cmd
}

// targetFlags are the flags of target set by the field a mistake
// concerns (indicators.FieldError).
func targetFlags() map[string]string {
	flags := map[string]string{"year": "--year", "commune": "--commune"}
	for _, ind := range indicators.Targetable() {
		flags[ind.Key] = "--" + ind.TargetFlag
	}
	return flags
}

// targetArea names the commune targets are for, in t's language: the
// whole server for none.
func (t tr) targetArea(commune string) string {
	if commune == "" {
		return t.T("server.target.whole_server")
	}
	return schema.CommuneName(commune)
}

func targetListCmd(t tr) *cobra.Command {
	var db string
	var year int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   t.T("server.target.list.use"),
		Short: t.T("server.target.list.short"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := openExisting(cmd.Context(), db, true)
			if err != nil {
				return err
			}
			defer d.Close()
			targets, err := indicators.TargetsAsOf(cmd.Context(), d.SQL(), year, time.Now().UnixMilli())
			if err != nil {
				return err
			}
			if asJSON {
				if targets == nil {
					targets = []indicators.Target{}
				}
				return printJSON(cmd.OutOrStdout(), targets)
			}
			return t.writeTargetList(cmd.OutOrStdout(), targets)
		},
	}
	dbFlag(t, cmd, &db)
	cmd.Flags().IntVar(&year, "year", 0, t.T("server.target.flag.only_year"))
	jsonFlag(t, cmd, &asJSON)
	return cmd
}

func (t tr) writeTargetList(w io.Writer, targets []indicators.Target) error {
	if len(targets) == 0 {
		_, err := fmt.Fprintln(w, t.T("server.target.none"))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, t.T("server.target.header"))
	for _, x := range targets {
		name, value := x.Indicator, strconv.FormatFloat(x.Value, 'f', -1, 64)
		if ind, ok := indicators.ByKey(x.Indicator); ok {
			name, value = ind.NameIn(t.lang), t.withUnit(x.Value, ind.Unit)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", x.Year, t.targetArea(x.Commune), name, value, schema.FormatDay(x.SetAt))
	}
	return tw.Flush()
}

// withUnit writes a value with its unit.
func (t tr) withUnit(v float64, unit indicators.Unit) string {
	if unit == indicators.Percent {
		return t.figure(&v, unit)
	}
	return t.figure(&v, unit) + " " + indicators.UnitLabel(t.lang, unit)
}
