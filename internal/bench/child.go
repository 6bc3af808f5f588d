package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// child is one `implique serve --demo` started by the bench.
type child struct {
	cmd     *exec.Cmd
	base    string // http://127.0.0.1:PORT
	dataDir string
	// started is when the process was started, ready when /readyz first
	// answered 200.
	started, ready time.Time
	out            *tail
	done           chan struct{}
	waitErr        error
}

// startChild runs `serve --demo` on a free port, with dataDir and the
// PostgreSQL databaseURL (or "" for SQLite), and waits until /readyz
// answers 200.
func startChild(ctx context.Context, cfg *Config, dataDir, databaseURL string) (*child, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	c := &child{base: "http://" + addr, dataDir: dataDir, out: &tail{max: 8 << 10}, done: make(chan struct{})}
	// Every setting is on the command line, so that the operator's
	// environment (a real SMTP server, another database) plays no part.
	c.cmd = exec.Command(cfg.Exe, "serve", "--demo", "--addr", addr, "--data-dir", dataDir,
		"--database-url="+databaseURL, "--base-url", c.base, "--smtp-url=", "--metrics-addr", "off",
		"--trusted-proxies", "127.0.0.1")
	c.cmd.Env = append(append(os.Environ(), "IMPLIQUE_TRUSTED_PROXIES=127.0.0.1"), cfg.Env...)
	c.cmd.Stdout, c.cmd.Stderr = c.out, c.out
	c.cmd.SysProcAttr = childAttr()
	c.started = time.Now()
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cfg.Exe, err)
	}
	go func() {
		c.waitErr = c.cmd.Wait()
		close(c.done)
	}()
	hc := &http.Client{Timeout: 2 * time.Second}
	// A guard against a server that never comes up, not a measure: on a
	// busy machine the demo takes a while to seed.
	deadline := time.Now().Add(5 * time.Minute)
	for {
		res, err := hc.Get(c.base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				c.ready = time.Now()
				return c, nil
			}
		}
		select {
		case <-c.done:
			return nil, fmt.Errorf("serve --demo stopped (%v): %s", c.waitErr, c.out.String())
		case <-ctx.Done():
			c.stop()
			return nil, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			c.stop()
			return nil, fmt.Errorf("serve --demo did not become ready: %s", c.out.String())
		}
	}
}

// stop asks the child to finish (SIGINT, as Ctrl-C), and kills it if it
// has not after 20 s. Calling it twice is harmless.
func (c *child) stop() {
	if c == nil {
		return
	}
	select {
	case <-c.done:
		return
	default:
	}
	_ = c.cmd.Process.Signal(os.Interrupt)
	select {
	case <-c.done:
	case <-time.After(20 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// startup is the time from the process's start to its first 200 on /readyz.
func (c *child) startup() time.Duration { return c.ready.Sub(c.started) }

// memory reads a line of /proc/PID/status (VmRSS, VmHWM) in megabytes
// (10^6 bytes); ok is false where there is no /proc.
func (c *child) memory(field string) (mb float64, ok bool) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, found := strings.CutPrefix(sc.Text(), field+":")
		if !found {
			continue
		}
		fields := strings.Fields(rest) // "12345 kB"
		if len(fields) == 0 {
			return 0, false
		}
		kb, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return 0, false
		}
		return kb * 1024 / 1e6, true
	}
	return 0, false
}

// resetPeak makes VmHWM the current resident size, so that the peak
// read later is the one of the load, not of the demo's seeding.
func (c *child) resetPeak() bool {
	err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", c.cmd.Process.Pid), []byte("5"), 0)
	return err == nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// tail keeps the last max bytes written: what a child said before it failed.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.b))
}

// errStopped is a child that stopped during a measure.
var errStopped = errors.New("serve --demo stopped during the measure")

// alive reports an error when the child has stopped.
func (c *child) alive() error {
	select {
	case <-c.done:
		return fmt.Errorf("%w (%v): %s", errStopped, c.waitErr, c.out.String())
	default:
		return nil
	}
}
