package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/benbjohnson/clock"
	"golang.org/x/crypto/bcrypt"
)

// errLogin is the one answer to a wrong name or password.
var errLogin = errors.New("portal: unknown user or wrong password")

// auth keeps staff accounts (bcrypt password hashes) and server-side
// sessions: the cookie carries a random token, the database its SHA-256
// with the user and the session's CSRF token. It is safe for concurrent
// use.
type auth struct {
	db   database
	clk  clock.Clock
	cost int           // bcrypt cost
	ttl  time.Duration // session lifetime
	// dummy is a hash compared against when the user is unknown, so that
	// a wrong name costs as much time as a wrong password.
	dummy []byte
}

func newAuth(db database, clk clock.Clock, cost int) (*auth, error) {
	dummy, err := bcrypt.GenerateFromPassword([]byte("not a password"), cost)
	if err != nil {
		return nil, err
	}
	return &auth{db: db, clk: clk, cost: cost, ttl: 12 * time.Hour, dummy: dummy}, nil
}

// addUser creates an account.
func (a *auth) addUser(ctx context.Context, q querier, name, role, team, password string) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), a.cost)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, "INSERT INTO users (name, role, team, password_hash) VALUES (?, ?, ?, ?)", name, role, team, string(hash))
	return err
}

// login checks a name and password and opens a session; it returns the
// cookie's token.
func (a *auth) login(ctx context.Context, name, password string) (string, error) {
	var hash string
	err := a.db.QueryRow(ctx, "SELECT password_hash FROM users WHERE name = ?", name).Scan(&hash)
	if errors.Is(err, errNoRows) {
		_ = bcrypt.CompareHashAndPassword(a.dummy, []byte(password))
		return "", errLogin
	}
	if err != nil {
		return "", err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return "", errLogin
	}
	token, err := randomSecret()
	if err != nil {
		return "", err
	}
	csrf, err := randomSecret()
	if err != nil {
		return "", err
	}
	_, err = a.db.Exec(ctx, "INSERT INTO sessions (token_hash, user_name, csrf, expires_at) VALUES (?, ?, ?, ?)",
		hashToken(token), name, csrf, a.clk.Now().Add(a.ttl).UnixNano())
	return token, err
}

// session returns the user and CSRF token of a live session.
func (a *auth) session(ctx context.Context, token string) (user, string, error) {
	var u user
	var csrf string
	var expires int64
	err := a.db.QueryRow(ctx, `SELECT u.name, u.role, u.team, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.name = s.user_name
		WHERE s.token_hash = ?`, hashToken(token)).Scan(&u.Name, &u.Role, &u.Team, &csrf, &expires)
	if err != nil {
		return user{}, "", err
	}
	if a.clk.Now().UnixNano() >= expires {
		return user{}, "", errNoRows
	}
	return u, csrf, nil
}

// logout ends a session.
func (a *auth) logout(ctx context.Context, token string) error {
	_, err := a.db.Exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", hashToken(token))
	return err
}

// users lists the accounts of a role.
func (a *auth) users(ctx context.Context, role string) ([]user, error) {
	rs, err := a.db.Query(ctx, "SELECT name, role, team FROM users WHERE role = ? ORDER BY name", role)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []user
	for rs.Next() {
		var u user
		if err := rs.Scan(&u.Name, &u.Role, &u.Team); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rs.Err()
}

// randomSecret returns 256 random bits, URL-safe.
func randomSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
