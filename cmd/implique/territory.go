package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"implique/internal/auth"
	"implique/internal/errs"
	"implique/internal/installation"
)

// cmdTerritory runs « implique territory add » and « implique territory list ».
func cmdTerritory(ctx context.Context, args []string, u *ui) error {
	if len(args) == 0 {
		return errUsage
	}
	switch args[0] {
	case "add":
		return cmdTerritoryAdd(ctx, args[1:], u)
	case "list":
		return cmdTerritoryList(ctx, args[1:], u)
	}
	return errUsage
}

// cmdTerritoryAdd opens a territory: its host, its places (a CSV file, or
// the MRC's), the idea themes and its first administrator, in one
// transaction — the same code as the installation administrator's page.
func cmdTerritoryAdd(ctx context.Context, args []string, u *ui) error {
	var c config
	fs := flag.NewFlagSet("territory add", flag.ContinueOnError)
	addConfigFlags(fs, &c, false)
	name := fs.String("name", "", "the territory's name")
	host := fs.String("host", "", "the domain name it is served on")
	places := fs.String("places", "", "CSV file of its places (default: the places of the MRC de Bécancour)")
	admin := fs.String("admin", "", "e-mail address of its first administrator")
	adminName := fs.String("admin-name", "", "the administrator's name")
	locale := fs.String("locale", "fr", "the administrator's language: fr or en")
	instAdmin := fs.Bool("installation-admin", false, "also make the administrator an installation administrator")
	if err := parse(fs, &c, args); err != nil {
		return err
	}
	n := installation.NewTerritory{Name: *name, Host: *host, AdminEmail: *admin, AdminName: *adminName, AdminLocale: *locale,
		InstallationAdmin: *instAdmin}
	if *places != "" {
		f, err := os.Open(*places)
		if err != nil {
			return placesFileError(*places, err)
		}
		defer f.Close()
		n.Places = f
	}
	a, err := openQuiet(ctx, &c)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	added, err := a.Installation.AddTerritory(ctx, n)
	if e, ok := errs.As(err); ok {
		return fieldsError(e)
	}
	if err != nil {
		return err
	}
	t := added.Territory
	u.say("cli.territory.added", t.Name, t.Host, added.Places)
	if added.AdminCreated {
		u.say("cli.territory.admin_created", added.Admin.Email)
	} else {
		u.say("cli.territory.admin_existing", added.Admin.Email)
	}
	if added.Admin.InstallationAdmin {
		u.say("cli.territory.installation_admin", added.Admin.Email)
	}
	return printTerritoryLink(ctx, a.Auth, &c, u, added.Admin, t.Host)
}

// placesFileError says why the file of places does not open.
func placesFileError(path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fail("cli.territory.places_missing", path)
	}
	return fail("cli.territory.places_unreadable", path).and("cli.detail", err.Error())
}

// printTerritoryLink prints a one-time sign-in link for user on the
// territory served at host: the installation's address (its scheme and
// port) with the territory's host.
func printTerritoryLink(ctx context.Context, as *auth.Store, c *config, u *ui, user *auth.User, host string) error {
	tok, err := as.IssueToken(ctx, user.ID, auth.PurposeLogin, signInLinkTTL)
	if err != nil {
		return err
	}
	u.say("cli.user.link", territoryURL(c.BaseURL, host)+"/connexion/lien?jeton="+tok)
	return nil
}

// territoryURL is base with its host replaced by host (its port kept).
func territoryURL(base, host string) string {
	b, err := url.Parse(base)
	if err != nil || host == "" {
		return base
	}
	if p := b.Port(); p != "" {
		host = net.JoinHostPort(host, p)
	}
	b.Host = host
	return strings.TrimRight(b.String(), "/")
}

// cmdTerritoryList prints the territories: id, name, host, places, people.
func cmdTerritoryList(ctx context.Context, args []string, u *ui) error {
	var c config
	fs := flag.NewFlagSet("territory list", flag.ContinueOnError)
	addConfigFlags(fs, &c, false)
	if err := parse(fs, &c, args); err != nil {
		return err
	}
	a, err := openQuiet(ctx, &c)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	ts, err := a.Installation.Territories(ctx)
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		u.say("cli.territory.none")
		return nil
	}
	tw := tabwriter.NewWriter(u.out, 0, 4, 2, ' ', 0)
	row := func(cells ...string) { io.WriteString(tw, strings.Join(cells, "\t")+"\n") }
	row(u.t("cli.territory.col_id"), u.t("cli.territory.col_name"), u.t("cli.territory.col_host"),
		u.t("cli.territory.col_places"), u.t("cli.territory.col_people"))
	for _, t := range ts {
		h := t.Host
		if h == "" {
			h = u.t("cli.territory.no_host")
		}
		row(strconv.FormatInt(t.ID, 10), t.Name, h, strconv.Itoa(t.Places), strconv.Itoa(t.People))
	}
	return tw.Flush()
}
