package holidays

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// contentLine is one unfolded iCalendar content line (RFC 5545, 3.1):
// name *(";" param) ":" value.
type contentLine struct {
	line   int // physical line (1-based) where the content line starts
	name   string
	params []param
	value  string
}

// param is one property parameter; names are upper-cased, values kept as
// written (without the quotes of a quoted value).
type param struct {
	name   string
	values []string
}

// param returns the first value of parameter name, and whether it is present.
func (c *contentLine) param(name string) (string, bool) {
	for _, p := range c.params {
		if p.name == name {
			if len(p.values) == 0 {
				return "", true
			}
			return p.values[0], true
		}
	}
	return "", false
}

// errAt builds a *ParseError for this line.
func (c *contentLine) errAt(sentinel error, format string, args ...any) *ParseError {
	return &ParseError{Line: c.line, Err: sentinel, Detail: fmt.Sprintf(format, args...)}
}

// readContentLines splits data into physical lines (CRLF or LF), unfolds
// continuation lines (a line starting with a space or tab continues the
// previous one, RFC 5545, 3.1) and parses every content line. Blank lines
// are skipped. The first problem is returned as a *ParseError naming the
// line.
func readContentLines(data []byte) ([]contentLine, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
	var (
		out       []contentLine
		cur       []byte
		curLine   int
		haveCur   bool
		physLine  int
		lineStart = 0
	)
	flush := func() error {
		if !haveCur {
			return nil
		}
		cl, err := parseContentLine(cur, curLine)
		if err != nil {
			return err
		}
		out = append(out, cl)
		haveCur = false
		cur = cur[:0:0]
		return nil
	}
	for lineStart < len(data) {
		physLine++
		end := bytes.IndexByte(data[lineStart:], '\n')
		var raw []byte
		if end < 0 {
			raw = data[lineStart:]
			lineStart = len(data)
		} else {
			raw = data[lineStart : lineStart+end]
			lineStart += end + 1
		}
		raw = bytes.TrimSuffix(raw, []byte("\r"))
		switch {
		case len(raw) == 0:
			if err := flush(); err != nil {
				return nil, err
			}
		case raw[0] == ' ' || raw[0] == '\t':
			if !haveCur {
				return nil, &ParseError{Line: physLine, Err: ErrSyntax, Detail: "continuation line with no line to continue"}
			}
			cur = append(cur, raw[1:]...)
		default:
			if err := flush(); err != nil {
				return nil, err
			}
			cur = append(cur[:0:0], raw...)
			curLine = physLine
			haveCur = true
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

func isNameChar(b byte) bool {
	return b == '-' || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
}

// isControl reports RFC 5545 CONTROL characters: %x00-08 / %x0A-1F / %x7F.
func isControl(b byte) bool { return (b < 0x20 && b != '\t') || b == 0x7f }

// parseContentLine parses one unfolded content line.
func parseContentLine(b []byte, line int) (contentLine, error) {
	fail := func(format string, args ...any) (contentLine, error) {
		return contentLine{}, &ParseError{Line: line, Err: ErrSyntax, Detail: fmt.Sprintf(format, args...)}
	}
	if !utf8.Valid(b) {
		return fail("not valid UTF-8")
	}
	for _, c := range b {
		if isControl(c) {
			return fail("control character %#02x", c)
		}
	}
	i := 0
	for i < len(b) && isNameChar(b[i]) {
		i++
	}
	if i == 0 {
		return fail("expected a property name, found %q", clip(string(b)))
	}
	cl := contentLine{line: line, name: strings.ToUpper(string(b[:i]))}
	for {
		if i >= len(b) {
			return fail("property %s has no colon and no value", cl.name)
		}
		switch b[i] {
		case ':':
			cl.value = string(b[i+1:])
			return cl, nil
		case ';':
			i++
			j := i
			for j < len(b) && isNameChar(b[j]) {
				j++
			}
			if j == i {
				return fail("property %s: expected a parameter name after ';'", cl.name)
			}
			p := param{name: strings.ToUpper(string(b[i:j]))}
			if j >= len(b) || b[j] != '=' {
				return fail("property %s: parameter %s has no '='", cl.name, p.name)
			}
			i = j + 1
			for {
				v, next, ok := paramValue(b, i)
				if !ok {
					return fail("property %s: parameter %s has a malformed value", cl.name, p.name)
				}
				p.values = append(p.values, v)
				i = next
				if i < len(b) && b[i] == ',' {
					i++
					continue
				}
				break
			}
			cl.params = append(cl.params, p)
		default:
			return fail("property %s: unexpected %q after the name or a parameter", cl.name, string(b[i]))
		}
	}
}

// paramValue reads a paramtext or quoted-string starting at i and returns
// the value and the index after it.
func paramValue(b []byte, i int) (string, int, bool) {
	if i < len(b) && b[i] == '"' {
		end := bytes.IndexByte(b[i+1:], '"')
		if end < 0 {
			return "", 0, false
		}
		return string(b[i+1 : i+1+end]), i + 2 + end, true
	}
	j := i
	for j < len(b) && b[j] != ';' && b[j] != ':' && b[j] != ',' {
		if b[j] == '"' {
			return "", 0, false
		}
		j++
	}
	return string(b[i:j]), j, true
}

// clip shortens s for an error message.
func clip(s string) string {
	const n = 40
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "..."
}

// unescapeText decodes an RFC 5545 TEXT value (3.3.11): \\ \; \, \n \N.
// Unknown escapes keep the escaped character.
func unescapeText(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			sb.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'n', 'N':
			sb.WriteByte('\n')
		default:
			sb.WriteByte(s[i])
		}
	}
	return sb.String()
}
