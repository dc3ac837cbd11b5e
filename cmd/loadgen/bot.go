package main

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
	"syscall"
	"time"
)

// botProcess is the bot binary started for a run.
type botProcess struct {
	cmd     *exec.Cmd
	base    string
	logPath string
	keepLog bool
	tempLog bool
	done    chan struct{}
}

// passed are the variables of loadgen's environment the bot gets too; the bot's own settings
// come from the run alone, so a token in the shell cannot point it elsewhere.
var passed = []string{"PATH", "HOME", "TMPDIR", "GOMAXPROCS", "GOGC", "GOMEMLIMIT", "GODEBUG"}

// startBot starts bin with env on a free loopback port and waits until it is ready.
func startBot(ctx context.Context, bin string, env map[string]string, logPath string) (*botProcess, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	p := &botProcess{base: "http://" + addr, logPath: logPath, done: make(chan struct{})}
	var logf *os.File
	if logPath == "" {
		logf, err = os.CreateTemp("", "loadgen-bot-*.log")
		p.tempLog = true
	} else {
		logf, err = os.Create(logPath)
	}
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	p.logPath = logf.Name()

	p.cmd = exec.Command(bin)
	for _, k := range passed {
		if v, ok := os.LookupEnv(k); ok {
			p.cmd.Env = append(p.cmd.Env, k+"="+v)
		}
	}
	env["HTTP_ADDR"] = addr
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the bot (-bin %s): %w", bin, err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	if err := waitFor(ctx, 60*time.Second, func() bool { return p.exited() || p.ready() }); err != nil || p.exited() {
		p.stop()
		p.keepLog = true
		if err == nil {
			err = errors.New("it stopped")
		}
		return nil, p.explain(fmt.Errorf("the bot did not get ready: %w", err))
	}
	return p, nil
}

func (p *botProcess) ready() bool {
	resp, err := http.Get(p.base + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func (p *botProcess) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// explain adds the end of the bot's log to err.
func (p *botProcess) explain(err error) error {
	if p == nil {
		return err
	}
	p.keepLog = true
	b, _ := os.ReadFile(p.logPath)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return fmt.Errorf("%w; the bot's log (%s) ends:\n%s", err, p.logPath, strings.Join(lines, "\n"))
}

// memory is the bot's resident memory now and at its peak, from /proc (Linux).
func (p *botProcess) memory() (rss, peak int64) {
	f, err := os.Open("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/status")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if name == "VmRSS" {
			rss = kb << 10
		} else {
			peak = kb << 10
		}
	}
	return rss, peak
}

// cpu is the processor time the bot has used so far (user and system), from /proc (Linux).
func (p *botProcess) cpu() time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/stat")
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses and may hold spaces.
	_, rest, ok := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if !ok || len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// clockTicks is the kernel's USER_HZ, the unit of /proc/<pid>/stat's times: 100 on Linux.
const clockTicks = 100

// stop ends the bot gracefully (SIGTERM), or kills it after 20 s.
func (p *botProcess) stop() {
	if !p.exited() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(20 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
	if p.tempLog && !p.keepLog {
		os.Remove(p.logPath)
	}
}

// metricsRSS reads process_resident_memory_bytes from a running bot's /metrics; 0 when it
// has none.
func metricsRSS(ctx context.Context, client *http.Client, base string) int64 {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return 0
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes "); ok {
			f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return int64(f)
		}
	}
	return 0
}
