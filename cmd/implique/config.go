package main

import (
	"errors"
	"flag"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"

	"implique/internal/mail"
)

// config is parsed once here and passed down; nothing reads the
// environment elsewhere.
type config struct {
	Addr        string
	DataDir     string
	DatabaseURL string
	BaseURL     string
	SMTPURL     string
	SMTP        *mail.SMTPConfig
	From        string
	// TrustedProxiesRaw lists the reverse proxies (addresses or CIDR ranges)
	// whose X-Forwarded-For is believed; TrustedProxies is it parsed.
	TrustedProxiesRaw string
	TrustedProxies    []netip.Prefix
	// MetricsAddr is where Prometheus reads /metrics: an address of its
	// own, loopback by default; "off" serves no metrics.
	MetricsAddr string
}

// addConfigFlags registers flags that mirror the IMPLIQUE_* variables;
// a flag given on the command line wins over the variable.
func addConfigFlags(fs *flag.FlagSet, c *config, withServe bool) {
	env := func(name, def string) string {
		if v, ok := os.LookupEnv(name); ok {
			return v
		}
		return def
	}
	fs.StringVar(&c.DataDir, "data-dir", env("IMPLIQUE_DATA_DIR", "./data"), "directory of the SQLite file and backups (IMPLIQUE_DATA_DIR)")
	fs.StringVar(&c.DatabaseURL, "database-url", env("IMPLIQUE_DATABASE_URL", ""), "postgres://… URL; empty for SQLite (IMPLIQUE_DATABASE_URL)")
	fs.StringVar(&c.BaseURL, "base-url", env("IMPLIQUE_BASE_URL", ""), "public address, for links in e-mails (IMPLIQUE_BASE_URL)")
	fs.StringVar(&c.SMTPURL, "smtp-url", env("IMPLIQUE_SMTP_URL", ""), "smtp://user:pass@host:587?from=…; empty keeps e-mails in the outbox (IMPLIQUE_SMTP_URL)")
	if withServe {
		fs.StringVar(&c.Addr, "addr", env("IMPLIQUE_ADDR", ":8080"), "address to listen on (IMPLIQUE_ADDR)")
		fs.StringVar(&c.TrustedProxiesRaw, "trusted-proxies", env("IMPLIQUE_TRUSTED_PROXIES", ""),
			"reverse proxies whose X-Forwarded-For is believed, e.g. 127.0.0.1,10.0.0.0/8 (IMPLIQUE_TRUSTED_PROXIES)")
		fs.StringVar(&c.MetricsAddr, "metrics-addr", env("IMPLIQUE_METRICS_ADDR", defaultMetricsAddr),
			"address of the Prometheus /metrics, apart from the public one; off for none (IMPLIQUE_METRICS_ADDR)")
	}
}

// defaultMetricsAddr keeps the metrics on the machine itself.
const defaultMetricsAddr = "127.0.0.1:9464"

// checkAddr checks a host:port listening address; the error names the variable.
func checkAddr(name, addr, example string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fail("cli.config.addr", name, addr, example)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fail("cli.config.port", name, port)
	}
	return nil
}

// check validates the configuration; the error names the variable.
func (c *config) check() error {
	if c.Addr != "" {
		if err := checkAddr("IMPLIQUE_ADDR (--addr)", c.Addr, ":8080"); err != nil {
			return err
		}
	}
	if c.MetricsAddr != "" && c.MetricsAddr != "off" {
		if err := checkAddr("IMPLIQUE_METRICS_ADDR (--metrics-addr)", c.MetricsAddr, defaultMetricsAddr); err != nil {
			return err
		}
	}
	if strings.TrimSpace(c.DataDir) == "" {
		return fail("cli.config.data_dir")
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			return fail("cli.config.database_url")
		}
	}
	if c.BaseURL == "" {
		port := "8080"
		if _, p, err := net.SplitHostPort(c.Addr); err == nil && p != "" {
			port = p
		}
		c.BaseURL = "http://localhost:" + port
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return fail("cli.config.base_url", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	c.From = "Moi, je m’implique ! <ne-pas-repondre@" + u.Hostname() + ">"
	if !strings.Contains(u.Hostname(), ".") {
		c.From = "Moi, je m’implique ! <ne-pas-repondre@localhost.localdomain>"
	}
	for _, part := range strings.Split(c.TrustedProxiesRaw, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			a, aerr := netip.ParseAddr(part)
			if aerr != nil {
				return fail("cli.config.trusted_proxies", part)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		c.TrustedProxies = append(c.TrustedProxies, p.Masked())
	}
	if c.SMTPURL != "" {
		sc, err := mail.ParseSMTPURL(c.SMTPURL)
		if err != nil {
			return smtpError(err)
		}
		c.SMTP = &sc
		if sc.From != "" {
			c.From = sc.From
		}
	}
	return nil
}

var errUsage = errors.New("usage")
