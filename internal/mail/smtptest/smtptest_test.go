package smtptest

import (
	"encoding/base64"
	"net"
	"net/textproto"
	"runtime"
	"strings"
	"testing"
	"time"
)

// dial opens a raw SMTP conversation with s and reads the greeting.
func dial(t *testing.T, s *Server) *textproto.Conn {
	t.Helper()
	c, err := textproto.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	expect(t, c, 220)
	return c
}

// cmd sends a command and checks the reply code.
func cmd(t *testing.T, c *textproto.Conn, code int, format string, args ...any) string {
	t.Helper()
	if err := c.PrintfLine(format, args...); err != nil {
		t.Fatal(err)
	}
	return expect(t, c, code)
}

func expect(t *testing.T, c *textproto.Conn, code int) string {
	t.Helper()
	got, msg, err := c.ReadResponse(0)
	if got != code {
		t.Fatalf("reply %d %q (%v), want %d", got, msg, err, code)
	}
	return msg
}

func TestConversation(t *testing.T) {
	tests := []struct {
		name string
		opts []Option
		run  func(t *testing.T, c *textproto.Conn)
		want []Received // From, To and Data compared
	}{
		{
			name: "dot-unstuffing and CRLF kept",
			run: func(t *testing.T, c *textproto.Conn) {
				cmd(t, c, 250, "HELO client")
				cmd(t, c, 250, "MAIL FROM:<a@b.c> BODY=8BITMIME")
				cmd(t, c, 250, "RCPT TO:<d@e.f>")
				cmd(t, c, 250, "RCPT TO:<g@h.i>")
				cmd(t, c, 354, "DATA")
				cmd(t, c, 250, "Subject: x\r\n\r\n..un\r\n..\r\n...\r\nfin\r\n.")
				cmd(t, c, 221, "QUIT")
			},
			want: []Received{{From: "a@b.c", To: []string{"d@e.f", "g@h.i"}, Data: []byte("Subject: x\r\n\r\n.un\r\n.\r\n..\r\nfin\r\n")}},
		},
		{
			name: "RSET and NOOP",
			run: func(t *testing.T, c *textproto.Conn) {
				cmd(t, c, 250, "EHLO client")
				cmd(t, c, 250, "NOOP")
				cmd(t, c, 250, "MAIL FROM:<oublie@b.c>")
				cmd(t, c, 250, "RCPT TO:<oublie@e.f>")
				cmd(t, c, 250, "RSET")
				cmd(t, c, 502, "RCPT TO:<d@e.f>")
				cmd(t, c, 250, "MAIL FROM:<>")
				cmd(t, c, 250, "RCPT TO:<d@e.f>")
				cmd(t, c, 354, "DATA")
				cmd(t, c, 250, "x\r\n.")
			},
			want: []Received{{From: "", To: []string{"d@e.f"}, Data: []byte("x\r\n")}},
		},
		{
			name: "sequence errors",
			// go-smtp answers 502 to a command out of sequence and 501 to
			// an unknown or mangled one; it takes RCPT TO:d@e.f without <>.
			run: func(t *testing.T, c *textproto.Conn) {
				cmd(t, c, 502, "MAIL FROM:<a@b.c>")
				cmd(t, c, 501, "EHLO")
				cmd(t, c, 250, "EHLO client")
				cmd(t, c, 502, "DATA")
				cmd(t, c, 501, "MAIL <a@b.c>")
				cmd(t, c, 250, "MAIL FROM:<a@b.c>")
				cmd(t, c, 503, "MAIL FROM:<a@b.c>")
				cmd(t, c, 501, "RCPT TO:<d@e.f")
				cmd(t, c, 502, "DATA")
				cmd(t, c, 502, "STARTTLS")
				cmd(t, c, 502, "AUTH PLAIN")
				cmd(t, c, 501, "BONJOUR")
				cmd(t, c, 501, "%s", strings.Repeat("x", 5000))
				cmd(t, c, 250, "NOOP")
			},
		},
		{
			name: "AUTH PLAIN with continuation",
			opts: []Option{WithAuth("u", "p")},
			run: func(t *testing.T, c *textproto.Conn) {
				ehlo := cmd(t, c, 250, "EHLO client")
				if !strings.Contains(ehlo, "AUTH PLAIN") {
					t.Errorf("EHLO reply lacks AUTH PLAIN: %q", ehlo)
				}
				cmd(t, c, 530, "MAIL FROM:<a@b.c>")
				cmd(t, c, 504, "AUTH LOGIN")
				cmd(t, c, 334, "AUTH PLAIN")
				cmd(t, c, 535, "%s", base64.StdEncoding.EncodeToString([]byte("\x00u\x00faux")))
				cmd(t, c, 334, "AUTH PLAIN")
				cmd(t, c, 501, "*")
				cmd(t, c, 334, "AUTH PLAIN")
				cmd(t, c, 235, "%s", base64.StdEncoding.EncodeToString([]byte("\x00u\x00p")))
				cmd(t, c, 503, "AUTH PLAIN")
				cmd(t, c, 250, "MAIL FROM:<a@b.c>")
				cmd(t, c, 250, "RCPT TO:<d@e.f>")
				cmd(t, c, 354, "DATA")
				cmd(t, c, 250, "x\r\n.")
			},
			want: []Received{{From: "a@b.c", To: []string{"d@e.f"}, Data: []byte("x\r\n"), AuthUser: "u"}},
		},
		{
			name: "FailNext and FailNextData are one-shot",
			opts: []Option{FailNext(550), FailNextData(452)},
			run: func(t *testing.T, c *textproto.Conn) {
				cmd(t, c, 250, "EHLO client")
				cmd(t, c, 250, "MAIL FROM:<a@b.c>")
				if msg := cmd(t, c, 550, "RCPT TO:<d@e.f>"); !strings.HasPrefix(msg, "5.0.0") {
					t.Errorf("550 text %q", msg)
				}
				cmd(t, c, 250, "RCPT TO:<d@e.f>")
				cmd(t, c, 354, "DATA")
				cmd(t, c, 452, "refusé\r\n.")
				cmd(t, c, 250, "MAIL FROM:<a@b.c>")
				cmd(t, c, 250, "RCPT TO:<d@e.f>")
				cmd(t, c, 354, "DATA")
				cmd(t, c, 250, "accepté\r\n.")
			},
			want: []Received{{From: "a@b.c", To: []string{"d@e.f"}, Data: []byte("accepté\r\n")}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Start(t, tt.opts...)
			tt.run(t, dial(t, s))
			var got []Received
			if len(tt.want) > 0 {
				got = s.WaitFor(t, len(tt.want), 5*time.Second)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d messages, want %d", len(got), len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.From != w.From || strings.Join(g.To, ",") != strings.Join(w.To, ",") || string(g.Data) != string(w.Data) || g.AuthUser != w.AuthUser {
					t.Errorf("message %d = %+v\nwant %+v", i, g, w)
				}
			}
		})
	}
}

func TestURL(t *testing.T) {
	s := Start(t, WithAuth("moi@exemple.org", "p@ss w:rd"))
	want := "smtp://moi%40exemple.org:p%40ss%20w%3Ard@" + s.Addr()
	if s.URL() != want {
		t.Errorf("URL() = %q, want %q", s.URL(), want)
	}
	if s := Start(t); s.URL() != "smtp://"+s.Addr() {
		t.Errorf("URL() = %q", s.URL())
	}
}

func TestMessagesAreIndependentCopies(t *testing.T) {
	s := Start(t)
	c := dial(t, s)
	cmd(t, c, 250, "EHLO client")
	cmd(t, c, 250, "MAIL FROM:<a@b.c>")
	cmd(t, c, 250, "RCPT TO:<d@e.f>")
	cmd(t, c, 354, "DATA")
	cmd(t, c, 250, "Subject: s\r\n\r\ncorps\r\n.")
	for i := 0; i < 2; i++ {
		m := s.WaitFor(t, 1, 5*time.Second)[0]
		if m.Parsed == nil {
			t.Fatal("message not parsed")
		}
		buf := make([]byte, 100)
		n, _ := m.Parsed.Body.Read(buf)
		if string(buf[:n]) != "corps\r\n" {
			t.Errorf("read %d: body %q", i, buf[:n])
		}
		m.Data[0] = 'X'
	}
}

// TestCloseDoesNotLeak checks that Close ends every goroutine, even with a
// client stuck in the middle of DATA and another in the TLS handshake.
func TestCloseDoesNotLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	s := Start(t, WithStartTLS())
	c := dial(t, s)
	cmd(t, c, 250, "EHLO client")
	cmd(t, c, 250, "MAIL FROM:<a@b.c>")
	cmd(t, c, 250, "RCPT TO:<d@e.f>")
	cmd(t, c, 354, "DATA")
	if err := c.PrintfLine("début sans fin"); err != nil {
		t.Fatal(err)
	}
	c2 := dial(t, s)
	cmd(t, c2, 250, "EHLO client")
	cmd(t, c2, 220, "STARTTLS") // and then never shake hands
	idle, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()

	done := make(chan struct{})
	go func() {
		s.Close()
		s.Close() // idempotent
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	if _, err := net.Dial("tcp", s.Addr()); err == nil {
		t.Error("server still accepts connections after Close")
	}
	c.Close()
	c2.Close()
	idle.Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines before Start, %d after Close:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
