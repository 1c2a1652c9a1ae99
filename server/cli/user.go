package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"hodan/internal/i18n"
	"hodan/internal/replica"
	"hodan/schema"
	"hodan/server/accounts"
	"hodan/server/console"
)

// userCmd is `hodan-server user`: the operators' accounts of the console.
func userCmd(t tr) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: t.T("user.short"),
	}
	cmd.AddCommand(userAddCmd(t), userListCmd(t), userDisableCmd(t), userPasswdCmd(t))
	return cmd
}

func userAddCmd(t tr) *cobra.Command {
	var db string
	var n accounts.NewUser
	var role string
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   t.T("server.user.add.use"),
		Short: t.T("user.add.short"),
		Long:  t.T("user.add.long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if n.Role, err = accounts.ParseRole(role); err != nil {
				return t.explain(err)
			}
			if err := t.checkCommunes(n.Communes); err != nil {
				return err
			}
			if err := n.CheckFields(); err != nil {
				return t.explain(err)
			}
			if n.Password, err = t.askPassword(cmd, fromStdin); err != nil {
				return err
			}
			ctx := cmd.Context()
			d, err := replica.Open(ctx, db, replica.Options{Migrations: serverMigrations()})
			if err != nil {
				return err
			}
			defer d.Close()
			u, err := accounts.NewStore(d, accounts.Options{}).Add(ctx, n, accounts.CommandLine)
			if err != nil {
				return t.explain(err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), t.T("user.added", u.Name, u.Login, console.RoleName(t.lang, u.Role), console.CommuneNames(t.lang, u.Communes)))
			return nil
		},
	}
	dbFlag(t, cmd, &db)
	fl := cmd.Flags()
	fl.StringVar(&n.Login, "login", "", t.T("user.flag.login"))
	fl.StringVar(&n.Name, "name", "", t.T("user.flag.name"))
	fl.StringVar(&role, "role", "", t.T("user.flag.role"))
	fl.StringArrayVar(&n.Communes, "commune", nil, t.T("user.flag.commune"))
	fl.BoolVar(&fromStdin, "password-stdin", false, t.T("user.flag.password_stdin"))
	return cmd
}

// checkCommunes refuses a code that is no commune, saying why.
func (t tr) checkCommunes(codes []string) error {
	for _, c := range codes {
		if err := console.CheckCommune(t.lang, c); err != nil {
			return err
		}
	}
	return nil
}

func userListCmd(t tr) *cobra.Command {
	var db string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: t.T("user.list.short"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withAccounts(cmd, db, true, func(s *accounts.Store) error {
				users, err := s.List(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					if users == nil {
						users = []accounts.User{}
					}
					return printJSON(cmd.OutOrStdout(), users)
				}
				t.printUsers(cmd.OutOrStdout(), users)
				return nil
			})
		},
	}
	dbFlag(t, cmd, &db)
	jsonFlag(t, cmd, &asJSON)
	return cmd
}

func (t tr) printUsers(w io.Writer, users []accounts.User) {
	if len(users) == 0 {
		fmt.Fprintln(w, t.T("user.none"))
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, t.T("user.list.header"))
	for _, u := range users {
		state := t.T("user.state.active")
		if u.Disabled {
			state = t.T("user.state.disabled")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Login, u.Name, console.RoleName(t.lang, u.Role),
			console.CommuneNames(t.lang, u.Communes), schema.FormatDay(u.Created), state)
	}
	tw.Flush()
}

func userDisableCmd(t tr) *cobra.Command {
	var db string
	cmd := &cobra.Command{
		Use:   t.T("server.user.disable.use"),
		Short: t.T("user.disable.short"),
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withAccounts(cmd, db, false, func(s *accounts.Store) error {
				if err := s.Disable(cmd.Context(), args[0], accounts.CommandLine); err != nil {
					return t.explain(err)
				}
				fmt.Fprintln(cmd.OutOrStdout(), t.T("user.disabled", args[0]))
				return nil
			})
		},
	}
	dbFlag(t, cmd, &db)
	return cmd
}

func userPasswdCmd(t tr) *cobra.Command {
	var db string
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   t.T("server.user.passwd.use"),
		Short: t.T("user.passwd.short"),
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withAccounts(cmd, db, false, func(s *accounts.Store) error {
				ctx := cmd.Context()
				if _, err := s.User(ctx, args[0]); err != nil {
					return t.explain(err)
				}
				password, err := t.askPassword(cmd, fromStdin)
				if err != nil {
					return err
				}
				if err := s.SetPassword(ctx, args[0], password, accounts.CommandLine); err != nil {
					return t.explain(err)
				}
				fmt.Fprintln(cmd.OutOrStdout(), t.T("user.password_set", args[0]))
				return nil
			})
		},
	}
	dbFlag(t, cmd, &db)
	cmd.Flags().BoolVar(&fromStdin, "password-stdin", false, t.T("user.flag.password_stdin"))
	return cmd
}

// withAccounts opens the server's database at path, which must exist, and
// calls fn with its accounts.
func withAccounts(cmd *cobra.Command, path string, readOnly bool, fn func(*accounts.Store) error) error {
	d, err := openExisting(cmd.Context(), path, readOnly)
	if err != nil {
		return err
	}
	defer d.Close()
	return fn(accounts.NewStore(d, accounts.Options{}))
}

// askPassword reads a new password: the first line of standard input with
// --password-stdin, else asked twice on the terminal without echo.
func (t tr) askPassword(cmd *cobra.Command, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", i18n.Errorf("server.user.error.read_password", err)
		}
		if line = strings.TrimRight(line, "\r\n"); line == "" {
			return "", errors.New(t.T("user.password_empty"))
		}
		return line, nil
	}
	in, ok := cmd.InOrStdin().(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return "", errors.New(t.T("user.password_no_terminal"))
	}
	ask := func(key string) (string, error) {
		fmt.Fprint(cmd.ErrOrStderr(), t.T(key))
		b, err := term.ReadPassword(int(in.Fd()))
		fmt.Fprintln(cmd.ErrOrStderr())
		return string(b), err
	}
	first, err := ask("user.password_prompt")
	if err != nil {
		return "", i18n.Errorf("server.user.error.read_password", err)
	}
	again, err := ask("user.password_again")
	if err != nil {
		return "", i18n.Errorf("server.user.error.read_password", err)
	}
	if first != again {
		return "", errors.New(t.T("user.password_mismatch"))
	}
	return first, nil
}

// explain turns the accounts' errors a person can act on into the
// catalogue's words in t's language; other errors stay as they are.
func (t tr) explain(err error) error {
	if err == nil {
		return nil
	}
	if text, ok := accounts.Explain(t.lang, err); ok {
		return errors.New(text)
	}
	return err
}
