package cli

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"hodan/indicators"
	"hodan/schema"
)

func targetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "target",
		Short: "The year's targets per commune (houses to support, households to give water, the fall of the poverty rate…), which reports compare with",
	}
	cmd.AddCommand(targetSetCmd(), targetListCmd())
	return cmd
}

func targetSetCmd() *cobra.Command {
	var db, commune string
	var year int
	var asJSON bool
	values := map[string]*float64{}
	cmd := &cobra.Command{
		Use:   "set --year Y [--commune CODE] --houses N [--water N] [--poverty-fall P] …",
		Short: "Set targets of a year for a commune, or for the whole server without --commune",
		Long: `Set the targets of a year for a commune (--commune CODE) or for the whole
server (without --commune): counts of households or people, or, for the
falls of poverty rates and the insurance rate, percentage points or a
percent ("giảm trên 6,5% hộ nghèo" is --poverty-fall 6.5). A target set
again replaces the old one in reports from now on; reports as of an
earlier day keep the old one. Each report shows plan, done from 1 January
and percent.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			set := map[string]float64{}
			for key, v := range values {
				if ind, _ := indicators.ByKey(key); cmd.Flags().Changed(ind.TargetFlag) {
					set[key] = *v
				}
			}
			d, err := openExisting(cmd.Context(), db, false)
			if err != nil {
				return err
			}
			defer d.Close()
			if err := indicators.SetTargets(cmd.Context(), d, year, commune, set, time.Now()); err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), map[string]any{"year": year, "commune": commune, "targets": set})
			}
			where := "toàn bộ các xã của máy chủ"
			if commune != "" {
				where = indicators.CommuneName(commune)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Đã đặt chỉ tiêu năm %d cho %s:\n", year, where)
			for _, ind := range indicators.Targetable() {
				if v, ok := set[ind.Key]; ok {
					fmt.Fprintf(cmd.OutOrStdout(), "  %s: %s\n", ind.Name, withUnit(v, ind.Unit))
				}
			}
			return nil
		},
	}
	dbFlag(cmd, &db)
	cmd.Flags().IntVar(&year, "year", 0, "the year the targets are for")
	cmd.Flags().StringVar(&commune, "commune", "", "the commune's code (none: the whole server)")
	for _, ind := range indicators.Targetable() {
		values[ind.Key] = cmd.Flags().Float64(ind.TargetFlag, 0, ind.Name+" ("+indicators.UnitLabel(ind.Unit)+")")
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func targetListCmd() *cobra.Command {
	var db string
	var year int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--year Y]",
		Short: "List the targets in force, by year and commune; safe while the server runs",
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
			return writeTargetList(cmd.OutOrStdout(), targets)
		},
	}
	dbFlag(cmd, &db)
	cmd.Flags().IntVar(&year, "year", 0, "only this year")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func writeTargetList(w io.Writer, targets []indicators.Target) error {
	if len(targets) == 0 {
		_, err := fmt.Fprintln(w, "Chưa đặt chỉ tiêu nào: hodan-server target set --year Y --commune CODE --houses N …")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "Năm\tXã\tChỉ tiêu\tKế hoạch\tĐặt ngày")
	for _, t := range targets {
		name, value := t.Indicator, strconv.FormatFloat(t.Value, 'f', -1, 64)
		if ind, ok := indicators.ByKey(t.Indicator); ok {
			name, value = ind.Name, withUnit(t.Value, ind.Unit)
		}
		where := "Toàn bộ"
		if t.Commune != "" {
			where = indicators.CommuneName(t.Commune)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", t.Year, where, name, value, indicators.FormatDate(t.SetAt))
	}
	return tw.Flush()
}

// withUnit writes a value with its unit.
func withUnit(v float64, unit indicators.Unit) string {
	if unit == indicators.Percent {
		return figure(&v, unit)
	}
	return figure(&v, unit) + " " + indicators.UnitLabel(unit)
}

// checkCommunes refuses a code that is no commune of the list in force
// since 1 July 2025.
func checkCommunes(codes []string) error {
	commune := &schema.Column{Name: "commune", Type: schema.Text, Code: schema.CodeCommune}
	for _, c := range codes {
		if err := commune.Check(c); err != nil {
			return err
		}
	}
	return nil
}
