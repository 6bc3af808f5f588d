package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"sync"
)

// LinkSigner derives the tokens of private links (a registration, a
// participation) from a nonce stored with the row and an instance secret:
// the link can be e-mailed again without keeping the token, and only the
// token's hash is stored for the look-up.
type LinkSigner struct {
	store   *Store
	secret  string
	purpose string

	mu  sync.Mutex
	key []byte
}

// LinkSigner returns the signer of one kind of private link: secret names
// the instance secret, purpose keeps the tokens of two kinds apart.
func (s *Store) LinkSigner(secret, purpose string) *LinkSigner {
	return &LinkSigner{store: s, secret: secret, purpose: purpose}
}

// Load fetches the secret once. Call it before a transaction that will
// derive tokens: on SQLite the secret's first creation needs the writer.
func (l *LinkSigner) Load(ctx context.Context) error {
	if l == nil || l.store == nil {
		return errors.New("auth: no store for the private links")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.key != nil {
		return nil
	}
	k, err := l.store.Secret(ctx, l.secret)
	if err != nil {
		return err
	}
	l.key = k
	return nil
}

// Token derives the token of the link whose nonce is given.
func (l *LinkSigner) Token(nonce string) (string, error) {
	if l == nil {
		return "", errors.New("auth: no signer for the private links")
	}
	l.mu.Lock()
	key := l.key
	l.mu.Unlock()
	if key == nil {
		return "", errors.New("auth: link key not loaded")
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(l.purpose + ":" + nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}
