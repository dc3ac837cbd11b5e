package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// maxAnswer bounds the body of an answer the client reads: the bot's are a few kilobytes.
const maxAnswer = 8 << 20

// botClient is loadgen's HTTP/1.1 client for the bot: a few keep-alive connections, each
// request written and its answer read by the goroutine that makes it. net/http's client hands
// every request to two goroutines of the connection's, one writing and one reading, and back
// over channels; that machinery took over half of loadgen's processor, which on the bot's
// own machine is taken from the bot.
type botClient struct {
	addr    string      // host:port to dial
	host    string      // the Host header
	prefix  string      // the path of the bot's URL, before every request's
	tls     *tls.Config // https only
	timeout time.Duration

	mu     sync.Mutex
	idle   []*botConn // last in, first out: the connection used last is the least likely closed
	size   int        // connections kept idle at most
	closed bool
}

// field is one header of a request.
type field struct{ name, value string }

type botConn struct {
	conn net.Conn
	br   *bufio.Reader
	bw   *bufio.Writer
	// deadline is the connection's deadline as last set. watched is the context whose end
	// stops the connection, until stop: the run's, the same for every request, so that the
	// watch is set up once, not for each request.
	deadline time.Time
	watched  context.Context
	stop     func() bool
	stopped  chan struct{} // closed once the watch has moved the deadline
}

// close ends the watch and closes the connection.
func (bc *botConn) close() {
	if bc.stop != nil {
		bc.stop()
	}
	bc.conn.Close()
}

// errUnanswered marks a request that failed before any byte of the answer: on a kept-alive
// connection, the bot may have closed it in the meantime.
var errUnanswered = errors.New("no answer")

// newBotClient is a client for the bot at base (http:// or https://), keeping up to size
// connections open between requests, each request bounded by timeout.
func newBotClient(base string, size int, timeout time.Duration) (*botClient, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("bot URL: %w", err)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("bot URL %q has no host", base)
	}
	c := &botClient{host: u.Host, prefix: strings.TrimSuffix(u.EscapedPath(), "/"), size: size, timeout: timeout}
	port := u.Port()
	switch u.Scheme {
	case "http":
		if port == "" {
			port = "80"
		}
	case "https":
		if port == "" {
			port = "443"
		}
		c.tls = &tls.Config{ServerName: u.Hostname()}
	default:
		return nil, fmt.Errorf("bot URL %q: want http or https", base)
	}
	c.addr = net.JoinHostPort(u.Hostname(), port)
	return c, nil
}

// post sends body to path with the given Content-Type and further headers, and returns the
// answer's status and body. A request that fails on a kept-alive connection before any
// answer goes again on a new one; any other failure is the caller's to retry.
func (c *botClient) post(ctx context.Context, path, contentType string, header []field, body []byte) (int, []byte, error) {
	for {
		if err := ctx.Err(); err != nil {
			return 0, nil, fmt.Errorf("POST %s: %w", path, err)
		}
		deadline := time.Now().Add(c.timeout)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		bc, reused, err := c.get(ctx, deadline)
		if err != nil {
			return 0, nil, fmt.Errorf("POST %s: %w", path, err)
		}
		status, answer, keep, err := c.roundTrip(ctx, bc, deadline, path, contentType, header, body)
		if err == nil {
			if keep {
				c.put(bc)
			} else {
				bc.close()
			}
			return status, answer, nil
		}
		bc.close()
		if ctx.Err() != nil {
			return 0, nil, fmt.Errorf("POST %s: %w", path, ctx.Err())
		}
		if !reused || !errors.Is(err, errUnanswered) {
			return 0, nil, fmt.Errorf("POST %s: %w", path, err)
		}
	}
}

// roundTrip writes the request on bc and reads its answer; keep is whether bc can carry the
// next request. A cancelled ctx stops it through the connection's deadline.
func (c *botClient) roundTrip(ctx context.Context, bc *botConn, deadline time.Time, path, contentType string, header []field, body []byte) (status int, answer []byte, keep bool, err error) {
	if bc.watched != ctx {
		if bc.stop != nil && !bc.stop() {
			<-bc.stopped // the last watch moved the deadline: it is set anew once it has
			bc.deadline = time.Time{}
		}
		// A deadline in the past stops the connection's reads and writes at once.
		stopped := make(chan struct{})
		bc.watched, bc.stopped = ctx, stopped
		bc.stop = context.AfterFunc(ctx, func() {
			_ = bc.conn.SetDeadline(time.Unix(1, 0))
			close(stopped)
		})
	}
	// The deadline moves only when it must, so that most requests spare the timer's update: a
	// request ends by its own deadline or up to a quarter of the timeout before it.
	if deadline.Before(bc.deadline) || bc.deadline.Before(deadline.Add(-c.timeout/4)) {
		if err := bc.conn.SetDeadline(deadline); err != nil {
			return 0, nil, false, err
		}
		bc.deadline = deadline
	}
	if err := ctx.Err(); err != nil {
		// It may have ended before the deadline above replaced the watch's.
		return 0, nil, false, err
	}
	defer func() {
		// Once the watch moved the deadline, the connection is not reused, whatever was read.
		if ctx.Err() != nil {
			keep = false
		}
	}()

	bw := bc.bw
	bw.WriteString("POST ")
	bw.WriteString(c.prefix)
	bw.WriteString(path)
	bw.WriteString(" HTTP/1.1\r\nHost: ")
	bw.WriteString(c.host)
	bw.WriteString("\r\nContent-Type: ")
	bw.WriteString(contentType)
	bw.WriteString("\r\nContent-Length: ")
	bw.Write(strconv.AppendInt(bw.AvailableBuffer(), int64(len(body)), 10))
	for _, f := range header {
		bw.WriteString("\r\n")
		bw.WriteString(f.name)
		bw.WriteString(": ")
		bw.WriteString(f.value)
	}
	bw.WriteString("\r\n\r\n")
	bw.Write(body)
	if err := bw.Flush(); err != nil {
		return 0, nil, false, unanswered(err)
	}
	if _, err := bc.br.Peek(1); err != nil {
		return 0, nil, false, unanswered(err)
	}
	return readAnswer(bc.br)
}

// readAnswer reads an HTTP/1.1 answer from br: its status, its whole body (by Content-Length,
// chunked, or up to the end of the connection) and whether the connection carries another.
// It reads the bot's answers only, so it knows only the headers that frame them; the
// generality of net/http.ReadResponse (every header in a map, canonical names) cost loadgen a
// tenth of its processor.
func readAnswer(br *bufio.Reader) (status int, body []byte, keep bool, err error) {
	line, err := readLine(br)
	if err != nil {
		return 0, nil, false, fmt.Errorf("read status line: %w", err)
	}
	// HTTP/1.x SSS reason
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' || (len(line) > 12 && line[12] != ' ') {
		return 0, nil, false, fmt.Errorf("malformed status line %q", line)
	}
	keep = line[7] == '1' // an HTTP/1.0 answer's connection is not reused, keep-alive or not
	for _, d := range line[9:12] {
		if d < '0' || d > '9' {
			return 0, nil, false, fmt.Errorf("malformed status line %q", line)
		}
		status = status*10 + int(d-'0')
	}
	if status < 200 {
		return 0, nil, false, fmt.Errorf("unexpected status %d", status)
	}

	length, chunked := int64(-1), false
	for {
		line, err := readLine(br)
		if err != nil {
			return 0, nil, false, fmt.Errorf("read header: %w", err)
		}
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(name) == 0 || name[0] == ' ' || name[0] == '\t' {
			return 0, nil, false, fmt.Errorf("malformed header %q", line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			n, ok := parseLength(value)
			if !ok || (length >= 0 && n != length) {
				return 0, nil, false, fmt.Errorf("bad Content-Length %q", value)
			}
			length = n
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			if !bytes.EqualFold(value, []byte("chunked")) {
				return 0, nil, false, fmt.Errorf("unsupported Transfer-Encoding %q", value)
			}
			chunked = true
		case bytes.EqualFold(name, []byte("Connection")):
			for token := range bytes.SplitSeq(value, []byte(",")) {
				if bytes.EqualFold(bytes.TrimSpace(token), []byte("close")) {
					keep = false
				}
			}
		}
	}

	switch {
	case status == http.StatusNoContent || status == http.StatusNotModified:
		return status, nil, keep, nil
	case chunked:
		// Transfer-Encoding wins over Content-Length (RFC 9112, 6.3).
		body, err = io.ReadAll(io.LimitReader(httputil.NewChunkedReader(br), maxAnswer+1))
		if err == nil && len(body) <= maxAnswer {
			err = skipTrailer(br)
		}
	case length > maxAnswer:
		return 0, nil, false, fmt.Errorf("answer of %d bytes, more than %d", length, maxAnswer)
	case length >= 0:
		body = make([]byte, length)
		_, err = io.ReadFull(br, body)
	default: // up to the end of the connection
		keep = false
		body, err = io.ReadAll(io.LimitReader(br, maxAnswer+1))
	}
	if err == nil && len(body) > maxAnswer {
		err = fmt.Errorf("answer of more than %d bytes", maxAnswer)
	}
	if err != nil {
		return 0, nil, false, fmt.Errorf("read answer body: %w", err)
	}
	return status, body, keep, nil
}

// skipTrailer reads a chunked body's trailer, up to its empty line.
func skipTrailer(br *bufio.Reader) error {
	for {
		line, err := readLine(br)
		if err != nil || len(line) == 0 {
			return err
		}
	}
}

// readLine is the next line of br without its CRLF, valid until br is read again.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == io.EOF && len(line) > 0 {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(line[:len(line)-1], []byte("\r")), nil
}

// parseLength is a Content-Length's value: digits only, few enough not to overflow.
func parseLength(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	var n int64
	for _, d := range v {
		if d < '0' || d > '9' {
			return 0, false
		}
		n = n*10 + int64(d-'0')
	}
	return n, true
}

// unanswered marks err as errUnanswered when it says the connection was closed: not when
// the deadline passed, as the bot may then be handling the request still.
func unanswered(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return fmt.Errorf("%w: %w", errUnanswered, err)
	}
	return err
}

// get is an idle connection, or a new one; reused says which.
func (c *botClient) get(ctx context.Context, deadline time.Time) (bc *botConn, reused bool, err error) {
	c.mu.Lock()
	if n := len(c.idle); n > 0 {
		bc = c.idle[n-1]
		c.idle[n-1] = nil
		c.idle = c.idle[:n-1]
		c.mu.Unlock()
		return bc, true, nil
	}
	c.mu.Unlock()
	d := net.Dialer{Deadline: deadline}
	conn, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return nil, false, err
	}
	if c.tls != nil {
		tc := tls.Client(conn, c.tls)
		if err := conn.SetDeadline(deadline); err != nil {
			conn.Close()
			return nil, false, err
		}
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, false, fmt.Errorf("TLS handshake: %w", err)
		}
		conn = tc
	}
	// A Slack click's body carries the message clicked on: a few kilobytes, in one write.
	return &botConn{conn: conn, br: bufio.NewReaderSize(conn, 8<<10), bw: bufio.NewWriterSize(conn, 16<<10)}, false, nil
}

// put keeps bc for the next request, or closes it when enough are kept.
func (c *botClient) put(bc *botConn) {
	c.mu.Lock()
	if !c.closed && len(c.idle) < c.size {
		c.idle = append(c.idle, bc)
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	bc.close()
}

// close closes the idle connections, and the others as they come back.
func (c *botClient) close() {
	c.mu.Lock()
	idle := c.idle
	c.idle, c.closed = nil, true
	c.mu.Unlock()
	for _, bc := range idle {
		bc.close()
	}
}
