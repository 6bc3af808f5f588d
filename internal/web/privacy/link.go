package privacy

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"time"
)

// linkTTL is how long a private link to « Mes données » works.
const linkTTL = 24 * time.Hour

// errBadLink is a link that was forged, cut short or is too old.
var errBadLink = errors.New("privacy: bad link")

// linkSealer seals the address a link to « Mes données » opens: the
// project's one signer derives the key, the link carries the address and
// its end sealed with it (AES-GCM), so that nobody can forge one nor read
// the address in a URL.
func (h *Handlers) linkSealer(ctx context.Context) (cipher.AEAD, error) {
	l := h.Deps.Auth.LinkSigner("privacy_links", "privacy_me")
	if err := l.Load(ctx); err != nil {
		return nil, err
	}
	k, err := l.Token("sealing key")
	if err != nil {
		return nil, err
	}
	key := sha256.Sum256([]byte(k))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func (h *Handlers) now() time.Time {
	if h.Deps.Now != nil {
		return h.Deps.Now()
	}
	return time.Now()
}

// linkAAD binds a sealed link to its purpose.
var linkAAD = []byte("implique « Mes données »")

// newLink makes the token of a private link for email on territoryID,
// valid for linkTTL.
func (h *Handlers) newLink(ctx context.Context, territoryID int64, email string) (string, error) {
	a, err := h.linkSealer(ctx)
	if err != nil {
		return "", err
	}
	plain := make([]byte, 16, 16+len(email))
	binary.BigEndian.PutUint64(plain, uint64(h.now().Add(linkTTL).Unix()))
	binary.BigEndian.PutUint64(plain[8:], uint64(territoryID))
	plain = append(plain, strings.ToLower(strings.TrimSpace(email))...)
	nonce := make([]byte, a.NonceSize(), a.NonceSize()+len(plain)+a.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(a.Seal(nonce, nonce, plain, linkAAD)), nil
}

// openLink reads the address of a token on territoryID: errBadLink when
// it was forged, is for another territory or is too old.
func (h *Handlers) openLink(ctx context.Context, territoryID int64, tok string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(tok) > 600 {
		return "", errBadLink
	}
	a, err := h.linkSealer(ctx)
	if err != nil {
		return "", err
	}
	if len(raw) < a.NonceSize()+a.Overhead()+16 {
		return "", errBadLink
	}
	plain, err := a.Open(nil, raw[:a.NonceSize()], raw[a.NonceSize():], linkAAD)
	if err != nil {
		return "", errBadLink
	}
	until := time.Unix(int64(binary.BigEndian.Uint64(plain)), 0)
	if int64(binary.BigEndian.Uint64(plain[8:])) != territoryID || !h.now().Before(until) {
		return "", errBadLink
	}
	email := string(plain[16:])
	if email == "" {
		return "", errBadLink
	}
	return email, nil
}
