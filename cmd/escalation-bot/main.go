// Command escalation-bot runs the escalation line: with no configuration, the web playground
// over an embedded Redis on http://127.0.0.1:8080.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	// SUPPORT_HOURS names IANA time zones; the distroless image has no zoneinfo of its own.
	_ "time/tzdata"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "escalation-bot:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cfg, err := LoadConfig(args, os.Getenv, os.Stderr)
	if err != nil {
		return err
	}
	logger := NewLogger(cfg, os.Stderr)
	app := NewApp(cfg, logger)

	startCtx, cancel := context.WithTimeout(context.Background(), app.StartTimeout())
	defer cancel()
	if err := app.Start(startCtx); err != nil {
		return err
	}

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	sig := <-stop
	logger.Info("shutting down", "signal", sig.String())

	stopCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownAfter)
	defer cancel()
	return app.Stop(stopCtx)
}
