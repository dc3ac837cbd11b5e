package proc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Sentinel is a Redis master with one replica, watched by three Sentinels, all on loopback
// ports free at run time, without persistence.
type Sentinel struct {
	// Name is the master's name the Sentinels know it by.
	Name string
	// Nodes are the two data servers: Nodes[0] starts as the master, Nodes[1] as its replica.
	Nodes [2]*Redis
	// Sentinels are the three Sentinel processes.
	Sentinels []*Redis
}

// StartSentinel starts the master, its replica and three Sentinels (quorum 2), and waits until
// the replica is in sync and every Sentinel knows the replica and the other Sentinels.
func StartSentinel(t testing.TB) *Sentinel {
	t.Helper()
	s := &Sentinel{Name: "escalation"}
	dir := t.TempDir()
	start := func(name string, args ...string) *Redis {
		t.Helper()
		port := FreePort(t)
		d := filepath.Join(dir, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", d,
			"--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "")
		r := &Redis{Process: Start(t, name, "redis-server", args, nil), Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Dir: d}
		if err := r.waitPong(10 * time.Second); err != nil {
			t.Fatalf("proc: %s on %s: %v\n%s", name, r.Addr, err, Tail(r.Logs(), 20))
		}
		return r
	}
	s.Nodes[0] = start("redis-master")
	host, port, _ := net.SplitHostPort(s.Nodes[0].Addr)
	s.Nodes[1] = start("redis-replica", "--replicaof", host, port)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := waitInSync(ctx, s.Nodes[0].Addr, s.Nodes[1].Addr); err != nil {
		t.Fatalf("proc: replica: %v", err)
	}
	for i := range 3 {
		name := fmt.Sprintf("sentinel-%d", i+1)
		conf := filepath.Join(dir, name+".conf")
		// Sentinel rewrites its configuration file, so each has one of its own.
		text := fmt.Sprintf("sentinel monitor %s %s %s 2\nsentinel down-after-milliseconds %[1]s 2000\nsentinel failover-timeout %[1]s 10000\n", s.Name, host, port)
		if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		// The configuration file must come first; the options after it apply on top.
		s.Sentinels = append(s.Sentinels, start(name, conf, "--sentinel"))
	}
	for _, sn := range s.Sentinels {
		if err := waitSentinelSees(ctx, sn.Addr, s.Name, s.Nodes[1].Addr, len(s.Sentinels)-1); err != nil {
			t.Fatalf("proc: %s: %v", sn.Name, err)
		}
	}
	return s
}

// URL is the bot's REDIS_URL for this setup: redis-sentinel://s1,s2,s3/name.
func (s *Sentinel) URL() string {
	var addrs []string
	for _, sn := range s.Sentinels {
		addrs = append(addrs, sn.Addr)
	}
	return "redis-sentinel://" + strings.Join(addrs, ",") + "/" + s.Name
}

// Master asks the first Sentinel where the master is now.
func (s *Sentinel) Master(ctx context.Context) (string, error) {
	c := goredis.NewSentinelClient(&goredis.Options{Addr: s.Sentinels[0].Addr, MaxRetries: -1})
	defer c.Close()
	hp, err := c.GetMasterAddrByName(ctx, s.Name).Result()
	if err != nil {
		return "", err
	}
	return net.JoinHostPort(hp[0], hp[1]), nil
}

// Switchover moves the master to the replica without losing an acknowledged write, the
// planned switch an operator makes before maintenance: writes on the master are paused
// (CLIENT PAUSE WRITE; reads go on), the replica catches up with every write the master
// acknowledged, SENTINEL FAILOVER promotes it, the old master is made its replica at once
// (Sentinel would do it too, some seconds later), and then the pause ends. Writes that waited
// in the pause are then refused with READONLY and go to the new master. It returns the new
// master's address.
//
// SENTINEL FAILOVER alone would not do: it promotes the replica without stopping the old
// master, and what the old master takes before it is turned into a replica is lost.
func (s *Sentinel) Switchover(ctx context.Context) (string, error) {
	old, err := s.Master(ctx)
	if err != nil {
		return "", err
	}
	replica := s.Nodes[0].Addr
	if replica == old {
		replica = s.Nodes[1].Addr
	}
	// SENTINEL FAILOVER promotes only a replica the Sentinel saw in sync lately; after a switch
	// the old master becomes one only once the Sentinel has read its INFO again.
	if err := waitSentinelSees(ctx, s.Sentinels[0].Addr, s.Name, replica, len(s.Sentinels)-1); err != nil {
		return "", fmt.Errorf("%s: %w", s.Sentinels[0].Name, err)
	}
	m := goredis.NewClient(&goredis.Options{Addr: old, MaxRetries: -1})
	defer m.Close()
	if err := m.Do(ctx, "CLIENT", "PAUSE", 60_000, "WRITE").Err(); err != nil {
		return "", fmt.Errorf("pause writes on %s: %w", old, err)
	}
	defer m.Do(context.WithoutCancel(ctx), "CLIENT", "UNPAUSE") // on failure too
	if err := waitInSync(ctx, old, replica); err != nil {
		return "", err
	}
	sc := goredis.NewSentinelClient(&goredis.Options{Addr: s.Sentinels[0].Addr, MaxRetries: -1})
	defer sc.Close()
	if err := sc.Failover(ctx, s.Name).Err(); err != nil {
		return "", fmt.Errorf("SENTINEL FAILOVER: %w", err)
	}
	for {
		now, err := s.Master(ctx)
		if err == nil && now == replica {
			break
		}
		if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
			return "", fmt.Errorf("the Sentinels still name %s as master: %w", now, err)
		}
	}
	host, port, _ := net.SplitHostPort(replica)
	if err := m.SlaveOf(ctx, host, port).Err(); err != nil {
		return "", fmt.Errorf("make %s a replica: %w", old, err)
	}
	return replica, nil
}

// waitInSync waits until the replica at replica has every write the master at master holds.
func waitInSync(ctx context.Context, master, replica string) error {
	m := goredis.NewClient(&goredis.Options{Addr: master, MaxRetries: -1})
	defer m.Close()
	r := goredis.NewClient(&goredis.Options{Addr: replica, MaxRetries: -1})
	defer r.Close()
	last := ""
	for {
		mi, err1 := m.Info(ctx, "replication").Result()
		ri, err2 := r.Info(ctx, "replication").Result()
		if err := errors.Join(err1, err2); err == nil {
			mo, ro := infoField(mi, "master_repl_offset"), infoField(ri, "master_repl_offset")
			if infoField(ri, "master_link_status") == "up" && mo != "" && mo == ro {
				return nil
			}
			last = fmt.Sprintf("master offset %s, replica offset %s, link %s", mo, ro, infoField(ri, "master_link_status"))
		} else {
			last = err.Error()
		}
		if err := sleepCtx(ctx, 10*time.Millisecond); err != nil {
			return fmt.Errorf("replica %s not in sync with %s (%s): %w", replica, master, last, err)
		}
	}
}

// waitSentinelSees waits until the Sentinel at addr knows the replica and the other Sentinels,
// which SENTINEL FAILOVER and the clients' discovery need.
func waitSentinelSees(ctx context.Context, addr, name, replica string, others int) error {
	c := goredis.NewSentinelClient(&goredis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	last := ""
	for {
		replicas, err1 := c.Replicas(ctx, name).Result()
		sentinels, err2 := c.Sentinels(ctx, name).Result()
		if err := errors.Join(err1, err2); err == nil {
			seen := false
			for _, r := range replicas {
				if net.JoinHostPort(r["ip"], r["port"]) == replica && r["master-link-status"] == "ok" && !strings.Contains(r["flags"], "down") {
					seen = true
				}
			}
			if seen && len(sentinels) >= others {
				return nil
			}
			last = fmt.Sprintf("replicas %v, %d other sentinels", replicas, len(sentinels))
		} else {
			last = err.Error()
		}
		if err := sleepCtx(ctx, 50*time.Millisecond); err != nil {
			return fmt.Errorf("does not see the setup (%s): %w", last, err)
		}
	}
}

func infoField(info, name string) string {
	for line := range strings.SplitSeq(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return v
		}
	}
	return ""
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
