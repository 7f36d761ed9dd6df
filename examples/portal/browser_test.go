package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromiumPath finds Debian's chromium (CHROMIUM overrides). Without it
// the browser tests skip, unless CI is set: then they fail.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but chromium is missing: install it with .ci/chromium (Debian's chromium package)")
	}
	t.Skip("no chromium: install Debian's chromium (.ci/chromium does) or set CHROMIUM to run the browser tests")
	return ""
}

// newChromium starts a headless chromium with a fresh profile and returns
// its context. The background-networking flags keep it off the network.
func newChromium(t *testing.T) context.Context {
	t.Helper()
	bin := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1100, 760),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate("about:blank")), "start chromium")
	return bctx
}

// TestBrowser drives the portal in a real browser: log in, create a ticket
// and walk it to closed, see a warning badge appear when the fake clock
// moves, a supervisor's approval above 5,000, an agent refused on someone
// else's ticket, a POST without a CSRF token refused. With
// UPDATE_SCREENSHOT=1 it rewrites docs/portal-queue.png.
func TestBrowser(t *testing.T) {
	ctx := newChromium(t)
	p, srv := testPortal(t)
	base := srv.URL
	parent := t
	cur := t // the running (sub)test, for the helpers
	run := func(steps ...chromedp.Action[chromedp.Void]) {
		cur.Helper()
		require.NoError(cur, chromedp.Do(ctx, steps...))
	}
	text := func(sel string) string {
		cur.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		require.NoError(cur, err, sel)
		return strings.TrimSpace(s)
	}
	// waitJS waits until a JavaScript condition holds in the page,
	// retrying across the navigation a form's redirect causes.
	waitJS := func(cond, what string) {
		cur.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
			if err == nil && ok {
				return
			}
			if time.Now().After(deadline) {
				require.FailNow(cur, "timed out waiting", "%s (last error %v)", what, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// waitText waits until the element's text is want.
	waitText := func(sel, want string) {
		cur.Helper()
		waitJS(`(function(){var e=document.querySelector(`+jsString(sel)+`);return !!e && document.readyState==="complete" && e.textContent.trim()===`+jsString(want)+`})()`,
			fmt.Sprintf("%s to read %q", sel, want))
	}
	login := func(name string) {
		cur.Helper()
		run(chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.ID("name")),
			chromedp.SendKeys(chromedp.ID("name"), name), chromedp.SendKeys(chromedp.ID("password"), name+"-demo"),
			chromedp.Click(chromedp.ID("login")), chromedp.WaitVisible(chromedp.ID("who")))
		require.Contains(cur, text("#who"), name)
	}
	logout := func() {
		cur.Helper()
		run(chromedp.Click(chromedp.CSS("header form button")), chromedp.WaitVisible(chromedp.ID("login")))
	}

	t.Run("log in, create a ticket and walk it to closed", func(t *testing.T) {
		cur = t
		defer func() { cur = parent }()
		login("alice")
		run(chromedp.Navigate(base+"/tickets/new"), chromedp.WaitVisible(chromedp.ID("subject")),
			chromedp.SendKeys(chromedp.ID("subject"), "Browser-made ticket"), chromedp.SendKeys(chromedp.ID("customer"), "Test Customer"),
			chromedp.SendKeys(chromedp.ID("body"), "Made by the browser test."), chromedp.Click(chromedp.ID("create")),
			chromedp.WaitVisible(chromedp.ID("take")))
		assert.Equal(t, "received", text("#state"))
		run(chromedp.Click(chromedp.ID("take")))
		waitText("#owner", "alice")
		for _, step := range []struct{ ev, state string }{
			{"start", "in progress"}, {"wait_customer", "waiting on customer"}, {"customer_reply", "in progress"},
			{"resolve", "resolved"}, {"close", "closed"},
		} {
			run(chromedp.Click(chromedp.ID("ev-" + step.ev)))
			waitText("#state", step.state)
		}
	})

	t.Run("a warning badge appears when the clock moves", func(t *testing.T) {
		cur = t
		defer func() { cur = parent }()
		run(chromedp.Navigate(base+"/tickets/new"), chromedp.WaitVisible(chromedp.ID("subject")),
			chromedp.SendKeys(chromedp.ID("subject"), "Waiting for a warning"), chromedp.SendKeys(chromedp.ID("customer"), "Test Customer"),
			chromedp.Click(chromedp.ID("create")), chromedp.WaitVisible(chromedp.ID("take")))
		id := ticketID(t, p, "Waiting for a warning")
		row := fmt.Sprintf("#t%d .badge", id)
		run(chromedp.Navigate(base+"/queue"), chromedp.WaitVisible(chromedp.CSS(row)))
		require.Equal(t, "none", text(row))
		resp, err := http.PostForm(base+"/test/clock", url.Values{"advance": {"16m"}})
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		run(chromedp.Navigate(base+"/queue"), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("#t%d .badge.yellow", id))))
		assert.Equal(t, "yellow", text(row))
		assert.Contains(t, text(fmt.Sprintf("#t%d .countdown", id)), "in ", "a live countdown")
		if os.Getenv("UPDATE_SCREENSHOT") != "" {
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join("..", "..", "docs", "portal-queue.png"), png, 0o644))
		}
		logout()
	})

	big := ticketID(t, p, "Damaged sofa, asking for compensation")
	t.Run("a supervisor approves above 5,000", func(t *testing.T) {
		cur = t
		defer func() { cur = parent }()
		login("bob")
		run(chromedp.Navigate(fmt.Sprintf("%s/tickets/%d", base, big)), chromedp.WaitVisible(chromedp.ID("held-handle")))
		assert.Contains(t, text("#held-handle"), "a supervisor must approve")
		logout()
		login("sam")
		run(chromedp.Navigate(fmt.Sprintf("%s/tickets/%d", base, big)), chromedp.WaitVisible(chromedp.ID("approve")))
		run(chromedp.Click(chromedp.ID("approve")), chromedp.WaitVisible(chromedp.ID("approval")))
		assert.Contains(t, text("#approval"), "8000 by sam")
		logout()
		login("bob")
		run(chromedp.Navigate(fmt.Sprintf("%s/tickets/%d", base, big)), chromedp.WaitVisible(chromedp.ID("ev-handle")))
		run(chromedp.Click(chromedp.ID("ev-handle")))
		waitText("#state", "handling")
		logout()
	})

	// forge submits a form the page did not offer, from inside the page.
	forge := func(path string, fields map[string]string) {
		cur.Helper()
		// The page before may be an error page too: mark it, so that the
		// wait below holds only on the page the POST navigates to.
		js := `(function(){window.sqkitForged=true;var f=document.createElement("form");f.method="post";f.action=` + jsString(path) + `;`
		for k, v := range fields {
			js += `var i=document.createElement("input");i.type="hidden";i.name=` + jsString(k) + `;i.value=` + jsString(v) + `;f.appendChild(i);`
		}
		js += `document.body.appendChild(f);f.submit();return true})()`
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		require.NoError(cur, err)
		waitJS(`!window.sqkitForged && !!document.getElementById("error") && document.readyState==="complete"`, "the error page")
	}
	bobs := ticketID(t, p, "Refund missing after return")
	t.Run("an agent is refused on someone else's ticket", func(t *testing.T) {
		cur = t
		defer func() { cur = parent }()
		login("alice")
		run(chromedp.Navigate(fmt.Sprintf("%s/tickets/%d", base, bobs)), chromedp.WaitVisible(chromedp.ID("state")))
		nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("button[id^=ev-]"), chromedp.AtLeast(0)))
		require.NoError(t, err)
		assert.Empty(t, nodes, "no actions offered")
		csrf, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`header input[name=csrf]`)))
		require.NoError(t, err)
		forge(fmt.Sprintf("/tickets/%d/act", bobs), map[string]string{"csrf": csrf, "op": "fire", "event": "start"})
		assert.Contains(t, text("h1"), "403")
		state, owner, _ := ticketState(t, p, bobs)
		assert.Equal(t, "escalated", state)
		assert.Equal(t, "bob", owner)
	})

	t.Run("a POST without a CSRF token is refused", func(t *testing.T) {
		cur = t
		defer func() { cur = parent }()
		mine := ticketID(t, p, "Cannot download receipts")
		forge(fmt.Sprintf("/tickets/%d/act", mine), map[string]string{"op": "fire", "event": "resolve"})
		assert.Contains(t, text("h1"), "403")
		assert.Contains(t, text("#error"), "CSRF")
		state, _, _ := ticketState(t, p, mine)
		assert.Equal(t, "in_progress", state)
	})
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "<", `\x3c`)
	return `"` + r.Replace(s) + `"`
}
