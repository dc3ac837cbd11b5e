package redistest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// ClusterEnv selects Redis Cluster for New and URL: "1" starts a local cluster of three
// masters once per test binary; a redis-cluster:// URL names a cluster that runs already.
const ClusterEnv = "REDIS_CLUSTER"

// Clustered reports whether New and URL give a Redis Cluster (REDIS_CLUSTER is set).
func Clustered() bool { return os.Getenv(ClusterEnv) != "" }

// NewCluster connects to a Redis Cluster whatever REDIS_CLUSTER says: the one it names, else
// three masters on loopback started once for the test binary. The client is a
// goredis.ClusterClient, counted and cleaned up as New's is.
func NewCluster(t testing.TB) *Redis {
	t.Helper()
	url := ClusterURL(t)
	addrs := strings.Split(strings.TrimPrefix(url, "redis-cluster://"), ",")
	c := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: addrs})
	return connect(t, c, "cluster "+strings.Join(addrs, ","), nil)
}

// ClusterURL returns the redis-cluster:// URL of NewCluster's cluster, for code that dials
// Redis itself. It fails the test when no cluster can be had.
func ClusterURL(t testing.TB) string {
	t.Helper()
	if url := os.Getenv(ClusterEnv); strings.HasPrefix(url, "redis-cluster://") {
		return url
	}
	cluster.once.Do(func() { cluster.url, cluster.err = startCluster(3) })
	if cluster.err != nil {
		t.Fatal(cluster.err)
	}
	return cluster.url
}

// cluster is the Redis Cluster this test binary started, if it had to; one per binary.
var cluster struct {
	once sync.Once
	url  string
	err  error
}

// startCluster starts n redis-servers in cluster mode on free loopback ports (each with a
// free cluster bus port of its own), joins them with redis-cli --cluster create, one master
// per node and no replicas, and waits until every node reports cluster_state:ok with all
// slots covered.
func startCluster(n int) (string, error) {
	const fix = "no Redis Cluster: install redis-server and redis-cli (7.0 or later), or set REDIS_CLUSTER to a redis-cluster:// URL"
	for _, tool := range []string{"redis-server", "redis-cli"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", errors.New(fix)
		}
	}
	ports, err := freePorts(2 * n)
	if err != nil {
		return "", fmt.Errorf("%s (%v)", fix, err)
	}
	var addrs []string
	for i := range n {
		port, bus := ports[2*i], ports[2*i+1]
		addr, err := startWatched("--port", strconv.Itoa(port), "--cluster-port", strconv.Itoa(bus),
			"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000")
		if err != nil {
			return "", fmt.Errorf("%s (%v)", fix, err)
		}
		addrs = append(addrs, addr)
	}
	create := append([]string{"--cluster", "create"}, addrs...)
	create = append(create, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command("redis-cli", create...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("%s (redis-cli --cluster create: %v: %s)", fix, err, out)
	}
	if err := waitClusterOK(addrs, n, 30*time.Second); err != nil {
		return "", fmt.Errorf("%s (%v)", fix, err)
	}
	return "redis-cluster://" + strings.Join(addrs, ","), nil
}

// waitClusterOK waits until every node sees the whole cluster: state ok, every slot served,
// every node known. Until then a client may be sent from node to node, or refused.
func waitClusterOK(addrs []string, n int, timeout time.Duration) error {
	want := []string{"cluster_state:ok", "cluster_slots_ok:16384", "cluster_known_nodes:" + strconv.Itoa(n)}
	deadline := time.Now().Add(timeout)
	last := ""
	for time.Now().Before(deadline) {
		ok := true
		for _, addr := range addrs {
			info := clusterInfo(addr)
			for _, w := range want {
				if !strings.Contains(info, w+"\r\n") {
					ok, last = false, addr+": "+info
				}
			}
		}
		if ok {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("the cluster did not become ready in %v: %s", timeout, last)
}

func clusterInfo(addr string) string {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	c := goredis.NewClient(&goredis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	info, err := c.ClusterInfo(ctx).Result()
	if err != nil {
		return err.Error()
	}
	return info
}

// startWatched starts redis-server with args (a port among them) in a temporary directory,
// without persistence, and waits until it answers. A shell watchdog kills it and removes the
// directory once this process is gone, since a helper package has no hook at the end of the
// test binary.
func startWatched(args ...string) (string, error) {
	port := ""
	for i, a := range args {
		if a == "--port" && i+1 < len(args) {
			port = args[i+1]
		}
	}
	dir, err := os.MkdirTemp("", "redistest-")
	if err != nil {
		return "", err
	}
	const watchdog = `dir=$1; parent=$2; shift 2
redis-server --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" "$@" >"$dir/log" 2>&1 &
r=$!
while kill -0 "$parent" 2>/dev/null && kill -0 "$r" 2>/dev/null; do sleep 1; done
kill "$r" 2>/dev/null; wait "$r"; rm -rf "$dir"`
	cmd := exec.Command("sh", append([]string{"-c", watchdog, "sh", dir, strconv.Itoa(os.Getpid())}, args...)...)
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start redis-server: %v", err)
	}
	go func() { _ = cmd.Wait() }() // reap the watchdog if it ends first
	addr := net.JoinHostPort("127.0.0.1", port)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if pong(addr) {
			return addr, nil
		}
	}
	log, _ := os.ReadFile(dir + "/log")
	return "", fmt.Errorf("redis-server on %s did not answer: %s", addr, log)
}

// pong reports whether a PING on a fresh connection to addr is answered PONG. It speaks the
// protocol itself: go-redis would log every refused dial while the server starts.
func pong(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "+PONG")
}

// freePorts returns n distinct loopback ports nothing listens on now (held open together, so
// that no port is handed out twice).
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
