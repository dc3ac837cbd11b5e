// Package proc runs the programs of fault tests as real processes: a main package built once
// per test binary, and a private redis-server that keeps its data in an append-only file. Each
// can be killed with SIGKILL, as a crash or an outage would stop it, and started again with the
// same arguments, environment and port.
//
//	bin := proc.Build(t, "escalation-bot/cmd/escalation-bot")
//	rds := proc.StartRedis(t)
//	bot := proc.Start(t, "bot", bin, nil, map[string]string{"REDIS_URL": rds.URL()})
//	err := bot.Kill()      // SIGKILL
//	err = bot.Restart()
//
// Everything started is killed when the test ends, and, on Linux, when the test binary dies.
package proc

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// builds holds the binaries built by this test binary, by package.
var builds struct {
	mu   sync.Mutex
	dir  string
	bins map[string]*build
}

type build struct {
	once sync.Once
	path string
	err  error
}

// Build compiles the main package pkg (an import path of this module, e.g.
// "escalation-bot/cmd/escalation-bot") once per test binary and returns the binary's path.
// Call RemoveBuilds from TestMain to delete the binaries when the tests are done.
func Build(t testing.TB, pkg string) string {
	t.Helper()
	builds.mu.Lock()
	if builds.bins == nil {
		builds.bins = map[string]*build{}
	}
	b := builds.bins[pkg]
	if b == nil {
		b = &build{}
		builds.bins[pkg] = b
	}
	builds.mu.Unlock()
	b.once.Do(func() { b.path, b.err = compile(pkg) })
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

func compile(pkg string) (string, error) {
	builds.mu.Lock()
	if builds.dir == "" {
		dir, err := os.MkdirTemp("", "proc-build-")
		if err != nil {
			builds.mu.Unlock()
			return "", fmt.Errorf("proc: build %s: %w", pkg, err)
		}
		builds.dir = dir
	}
	dir := builds.dir
	builds.mu.Unlock()
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("proc: find the module of %s: %w", pkg, err)
	}
	out := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = strings.TrimSpace(string(root))
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("proc: go build %s: %w\n%s", pkg, err, msg)
	}
	return out, nil
}

// RemoveBuilds deletes the binaries Build made; for TestMain, after m.Run.
func RemoveBuilds() {
	builds.mu.Lock()
	defer builds.mu.Unlock()
	if builds.dir != "" {
		_ = os.RemoveAll(builds.dir)
		builds.dir = ""
		builds.bins = nil
	}
}

// Process is a program a test started, and may kill and start again.
type Process struct {
	// Name names the process in logs and failures, e.g. "bot".
	Name string

	path    string
	args    []string
	env     []string
	logPath string

	mu         sync.Mutex
	cmd        *exec.Cmd
	done       chan struct{} // closed when the current run has exited
	killing    bool          // the current run is being killed on purpose
	starts     int
	unexpected []string // how runs ended that nobody killed
}

// Start runs path with args and env as the process's whole environment (plus PATH, HOME and
// TMPDIR from the test's own, so that nothing else a developer has set leaks in). Its output
// (stdout and stderr, every run) goes to a log file in a directory of the test; see Logs.
func Start(t testing.TB, name, path string, args []string, env map[string]string) *Process {
	t.Helper()
	p := &Process{Name: name, path: path, args: args, logPath: filepath.Join(t.TempDir(), name+".log")}
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			p.env = append(p.env, k+"="+v)
		}
	}
	for k, v := range env {
		p.env = append(p.env, k+"="+v)
	}
	t.Cleanup(func() { p.stop() })
	if err := p.start(); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *Process) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		return fmt.Errorf("proc: %s is already running (pid %d)", p.Name, p.cmd.Process.Pid)
	}
	log, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("proc: log of %s: %w", p.Name, err)
	}
	p.starts++
	fmt.Fprintf(log, "=== proc: start %d of %s at %s\n", p.starts, p.Name, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(p.path, p.args...)
	cmd.Env = p.env
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		log.Close()
		return fmt.Errorf("proc: start %s: %w", p.Name, err)
	}
	done := make(chan struct{})
	p.cmd, p.done, p.killing = cmd, done, false
	go func() {
		err := cmd.Wait()
		log.Close()
		p.mu.Lock()
		if !p.killing {
			p.unexpected = append(p.unexpected, fmt.Sprintf("run %d (pid %d) exited by itself: %v", p.starts, cmd.Process.Pid, err))
		}
		if p.cmd == cmd {
			p.cmd = nil
		}
		p.mu.Unlock()
		close(done)
	}()
	return nil
}

// Kill sends SIGKILL, as a crash or a lost machine would end the process, and waits for it to
// be gone. Killing a process that is not running does nothing. Like every method of Process,
// it may be called from any goroutine.
func (p *Process) Kill() error { return p.kill(10 * time.Second) }

func (p *Process) kill(wait time.Duration) error {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	if cmd != nil {
		p.killing = true
	}
	p.mu.Unlock()
	if cmd == nil {
		return nil
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("proc: kill %s: %w", p.Name, err)
	}
	select {
	case <-done:
		return nil
	case <-time.After(wait):
		return fmt.Errorf("proc: %s (pid %d) still runs %v after SIGKILL", p.Name, cmd.Process.Pid, wait)
	}
}

func (p *Process) stop() { _ = p.kill(10 * time.Second) }

// Restart starts the process again after Kill (or after it ended by itself).
func (p *Process) Restart() error { return p.start() }

// Running reports whether the process runs.
func (p *Process) Running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd != nil
}

// Pid is the process id of the current run, 0 when it does not run.
func (p *Process) Pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// Starts counts the runs so far.
func (p *Process) Starts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.starts
}

// Unexpected describes the runs that ended without Kill: crashes, or a refusal to start.
func (p *Process) Unexpected() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.unexpected...)
}

// LogPath is the file holding the output of every run.
func (p *Process) LogPath() string { return p.logPath }

// Logs returns the output of every run, each after a "=== proc: start" line.
func (p *Process) Logs() string {
	b, _ := os.ReadFile(p.logPath)
	return string(b)
}

// Grep returns the lines of the output that contain every one of words.
func (p *Process) Grep(words ...string) []string {
	f, err := os.Open(p.logPath)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
next:
	for sc.Scan() {
		for _, w := range words {
			if !strings.Contains(sc.Text(), w) {
				continue next
			}
		}
		out = append(out, sc.Text())
	}
	return out
}

// WaitHTTP waits until a GET of url answers 200, the process stops, or timeout passes.
func (p *Process) WaitHTTP(url string, timeout time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	last := "no answer"
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		if !p.Running() {
			return fmt.Errorf("proc: %s stopped before %s answered 200:\n%s", p.Name, url, Tail(p.Logs(), 30))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("proc: %s: %s did not answer 200 within %v (last: %s):\n%s", p.Name, url, timeout, last, Tail(p.Logs(), 30))
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// Tail returns the last n lines of s.
func Tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// FreePort returns a loopback TCP port nothing listens on now.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proc: free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Redis is a private redis-server with an append-only file fsynced on every write, so every
// write it acknowledged survives Kill: a SIGKILL is an outage, and Restart brings the same
// data back on the same port.
type Redis struct {
	*Process
	// Addr is host:port.
	Addr string
	// Dir holds the append-only file.
	Dir string
}

// RedisPorts is the range StartRedis picks its port from.
var RedisPorts = [2]int{6400, 6499}

// StartRedis starts a redis-server on a free port of RedisPorts, with its data in a directory
// of the test, and waits until it answers PING.
func StartRedis(t testing.TB) *Redis {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatal("proc: redis-server is not installed")
	}
	dir := t.TempDir()
	span := RedisPorts[1] - RedisPorts[0] + 1
	first := int(time.Now().UnixNano() % int64(span))
	var tried []string
	for i := 0; i < span && len(tried) < 8; i++ {
		port := RedisPorts[0] + (first+i*7)%span
		if !portFree(port) {
			continue
		}
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		args := []string{
			"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
			"--appendonly", "yes", "--appendfsync", "always", "--save", "",
			"--daemonize", "no", "--protected-mode", "yes", "--logfile", "",
		}
		p := Start(t, "redis-"+strconv.Itoa(port), "redis-server", args, nil)
		r := &Redis{Process: p, Addr: addr, Dir: dir}
		if err := r.waitPong(10 * time.Second); err != nil {
			tried = append(tried, fmt.Sprintf("%d: %v", port, err))
			p.stop()
			continue
		}
		return r
	}
	t.Fatalf("proc: no redis-server started on ports %d-%d: %s", RedisPorts[0], RedisPorts[1], strings.Join(tried, "; "))
	return nil
}

// URL is the redis:// URL of the server.
func (r *Redis) URL() string { return "redis://" + r.Addr }

// Restart starts the server again on the same port and directory and waits until it has
// loaded its data and answers PING.
func (r *Redis) Restart() error {
	if err := r.Process.Restart(); err != nil {
		return err
	}
	if err := r.waitPong(20 * time.Second); err != nil {
		return fmt.Errorf("proc: %s did not come back on %s: %w\n%s", r.Name, r.Addr, err, Tail(r.Logs(), 20))
	}
	return nil
}

// waitPong waits until the server answers PING with PONG (not -LOADING while it reads its
// append-only file).
func (r *Redis) waitPong(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	last := errors.New("no answer")
	for time.Now().Before(deadline) {
		if !r.Running() {
			return fmt.Errorf("redis-server stopped: %s", Tail(r.Logs(), 5))
		}
		if last = ping(r.Addr); last == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return last
}

func ping(addr string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadBytes('\n')
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(line, []byte("+PONG")) {
		return fmt.Errorf("PING answered %q", bytes.TrimSpace(line))
	}
	return nil
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}
