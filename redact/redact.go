// Package redact hides secrets in text bound for logs, errors and printed settings: the
// password and secret query options of a URL, the tokens inside URLs that are themselves
// secrets (webhook and upload URLs), and whether a token is set without what it is.
package redact

import (
	"net/url"
	"regexp"
	"strings"
)

// Mask stands where a secret was.
const Mask = "xxxxx"

// URL hides the secrets of a URL, so the URL can go into logs and errors: the password (or the
// whole userinfo when it has no user part) and the values of secret query options (pass, or
// any name with password, secret or token in it). It works on the text, so a URL that does
// not parse is redacted too.
func URL(rawURL string) string {
	// The query first: its values may hold an @ that userinfo would take for the end of a
	// password. A ? inside a password leaves no "option=" behind, so nothing is changed there.
	redacted := rawURL
	if base, query, ok := strings.Cut(rawURL, "?"); ok {
		query, fragment, hasFragment := strings.Cut(query, "#")
		options := strings.Split(query, "&")
		for i, o := range options {
			if name, _, ok := strings.Cut(o, "="); ok && secretOption(name) {
				options[i] = name + "=" + Mask
			}
		}
		redacted = base + "?" + strings.Join(options, "&")
		if hasFragment {
			redacted += "#" + fragment
		}
	}
	if user := Userinfo(redacted); user != "" {
		shown := Mask
		if name, _, ok := strings.Cut(user, ":"); ok && name != "" && !strings.ContainsAny(name, "/?#") {
			shown = name + ":" + Mask
		}
		redacted = strings.Replace(redacted, user+"@", shown+"@", 1)
	}
	return redacted
}

// Userinfo returns the "user:password" part of a URL, or "".
func Userinfo(rawURL string) string {
	_, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return ""
	}
	// The last @ ends the userinfo even when an unescaped @ is inside the password.
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return ""
	}
	return rest[:at]
}

// secretOption reports whether a query option of a URL holds a secret: pass, or any name with
// password, secret or token in it (sentinel_password, auth_token, ...), in any case.
func secretOption(name string) bool {
	if n, err := url.QueryUnescape(name); err == nil {
		name = n
	}
	name = strings.ToLower(name)
	return name == "pass" || strings.Contains(name, "password") || strings.Contains(name, "secret") || strings.Contains(name, "token")
}

// Scrub replaces in s every secret of rawURL: its userinfo, its password, and the values of
// its secret query options, as written and unescaped. It is for text that quotes pieces of a
// URL that may be malformed, split anywhere.
func Scrub(s, rawURL string) string {
	var secrets []string
	if user := Userinfo(rawURL); user != "" {
		secrets = append(secrets, user)
		if _, password, ok := strings.Cut(user, ":"); ok {
			secrets = append(secrets, password)
		}
	}
	if _, query, ok := strings.Cut(rawURL, "?"); ok {
		query, _, _ = strings.Cut(query, "#")
		for o := range strings.SplitSeq(query, "&") {
			if name, value, ok := strings.Cut(o, "="); ok && secretOption(name) {
				secrets = append(secrets, value)
				if v, err := url.QueryUnescape(value); err == nil {
					secrets = append(secrets, v)
				}
			}
		}
	}
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, Mask)
		}
	}
	return s
}

// Token says whether a secret setting is set, never what it is: "[set]" or "[unset]".
func Token(s string) string {
	if s == "" {
		return "[unset]"
	}
	return "[set]"
}

// urlPattern finds URLs in text (net/http quotes the URL it failed on).
var urlPattern = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'<>]+`)

// Links replaces every URL in s with SecretURL's form of it.
func Links(s string) string { return urlPattern.ReplaceAllStringFunc(s, SecretURL) }

// SecretURL shows a URL that is itself a secret (a webhook, a response or an upload URL, whose
// path holds its tokens) as its host and the first segment of its path,
// "hooks.slack.com/commands/…": enough to tell which kind of URL failed, without the tokens
// that make it usable.
func SecretURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "[redacted URL]"
	}
	first, rest, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	out := u.Scheme + "://" + u.Host
	if first != "" {
		out += "/" + first
	}
	if rest != "" || u.RawQuery != "" {
		out += "/…"
	}
	return out
}
