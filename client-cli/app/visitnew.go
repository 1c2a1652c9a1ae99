package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"hodan/ops"
	"hodan/schema/forms"
	"hodan/syncengine"
)

// visitNewCmd is `hodan visit new`: a visit recorded by answering a form's
// questions one at a time in the terminal.
func (a *app) visitNewCmd() *cobra.Command {
	var householdID, formID string
	cmd := &cobra.Command{
		Use:   "new [--household ID] [--form ID]",
		Short: a.T("visit.new.short"),
		Long:  a.T("visit.new.long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withWriter(cmd, func(ctx context.Context, db *syncengine.DB, dev *ops.Device) error {
				fl := &visitFlow{a: a, in: bufio.NewReader(cmd.InOrStdin()), out: cmd.OutOrStdout(), result: cmd.OutOrStdout(), db: db, dev: dev, forms: forms.All()}
				if a.json { // the prompts stay on the terminal, the JSON goes to stdout
					fl.out = cmd.ErrOrStderr()
				}
				return fl.run(ctx, householdID, formID)
			})
		},
	}
	cmd.Flags().StringVar(&householdID, "household", "", a.T("visit.new.flag_household"))
	cmd.Flags().StringVar(&formID, "form", "", a.T("visit.new.flag_form"))
	return cmd
}

// visitFlow is one guided visit: it reads the officer's lines from in and
// writes prompts to out. Nothing is written to the database before the
// officer confirms the review, and then everything in one transaction.
type visitFlow struct {
	a   *app
	in  *bufio.Reader
	out io.Writer
	// result is where --json prints what was saved.
	result io.Writer
	db     *syncengine.DB
	dev    *ops.Device
	forms  forms.Set
	// date is the date of the visit the officer gave, when the laptop's
	// clock cannot be right (see day).
	date string
}

// errCancelled is the officer leaving the flow with q or Ctrl-D.
var errCancelled = errors.New("cancelled")

// run walks the officer through a visit: household, form, questions,
// review, save.
func (fl *visitFlow) run(ctx context.Context, householdID, formID string) error {
	err := fl.steps(ctx, householdID, formID)
	if errors.Is(err, errCancelled) {
		fmt.Fprintln(fl.out, "\n"+fl.a.T("visit.cancelled"))
		return nil
	}
	return err
}

func (fl *visitFlow) steps(ctx context.Context, householdID, formID string) error {
	hh, err := fl.household(ctx, householdID)
	if err != nil {
		return err
	}
	if fl.date, err = fl.askVisitDate(); err != nil {
		return err
	}
	f, err := fl.pickForm(formID)
	if err != nil {
		return err
	}
	fmt.Fprintf(fl.out, "\n%s — %s\n%s\n", f.Title.In(fl.lang()), hh.Describe(fl.a.lang), f.Intro.In(fl.lang()))
	v := &visitAnswers{form: f, household: hh, answers: forms.Answers{}, visited: map[string]bool{}}
	if v.members, err = ops.VisitCandidates(ctx, fl.db, hh); err != nil {
		return err
	}
	for start, edit := 0, false; ; edit = true {
		if err := fl.questions(v, start, edit); err != nil {
			return err
		}
		k, err := fl.review(v)
		if err != nil {
			return err
		}
		if k < 0 {
			break
		}
		start = k
	}
	return fl.save(ctx, v)
}

func (fl *visitFlow) lang() string { return string(fl.a.lang) }

// line reads one line the officer typed, trimmed. End of input and "q"
// cancel the flow.
func (fl *visitFlow) line() (string, error) {
	fmt.Fprint(fl.out, "> ")
	s, err := fl.in.ReadString('\n')
	if err != nil && (s == "" || !errors.Is(err, io.EOF)) {
		if errors.Is(err, io.EOF) {
			return "", errCancelled
		}
		return "", fmt.Errorf("read answer: %w", err)
	}
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "q") {
		return "", errCancelled
	}
	return s, nil
}
