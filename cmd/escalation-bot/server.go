package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"go.uber.org/fx"
)

// Server is the one HTTP server: health, playground and, with their modules, platform endpoints.
type Server struct {
	srv      *http.Server
	listener net.Listener
	log      *slog.Logger
	setting  string  // the variable that names its address, for errors
	profiler *Server // PPROF_ADDR's server; nil when off
}

// NewServer listens on start and shuts down gracefully on stop.
func NewServer(lc fx.Lifecycle, cfg Config, mux *http.ServeMux, logger *slog.Logger) *Server {
	s := &Server{
		srv: &http.Server{
			Addr:              cfg.HTTPAddr,
			Handler:           mux,
			ReadHeaderTimeout: 10 * time.Second,
			// Bounded reads and writes keep a slow client from holding a connection forever;
			// the playground's event stream lifts the write deadline for itself.
			ReadTimeout:  30 * time.Second,
			WriteTimeout: 60 * time.Second,
			IdleTimeout:  2 * time.Minute,
			ErrorLog:     slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		},
		log:     logger,
		setting: "HTTP_ADDR",
	}
	lc.Append(fx.Hook{OnStart: s.start, OnStop: s.srv.Shutdown})
	if cfg.PprofAddr != "" {
		s.profiler = &Server{
			srv:     &http.Server{Addr: cfg.PprofAddr, Handler: profiler(), ReadHeaderTimeout: 10 * time.Second},
			log:     logger.With("server", "pprof"),
			setting: "PPROF_ADDR",
		}
		lc.Append(fx.Hook{OnStart: s.profiler.start, OnStop: s.profiler.srv.Shutdown})
	}
	return s
}

// profiler serves Go's profiles on a mux of its own: on its own address it stays off the
// main server, whose port is published more widely, and a CPU profile (which takes its
// seconds) is not cut by the main server's write timeout.
func profiler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

func (s *Server) start(context.Context) error {
	// Listening here, not in the goroutine, makes a taken port a start-up error.
	ln, err := net.Listen("tcp", s.srv.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s %s: %w", s.setting, s.srv.Addr, err)
	}
	s.listener = ln
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server stopped", "err", err)
		}
	}()
	s.log.Info("listening", "addr", "http://"+ln.Addr().String())
	return nil
}

// Addr is the address the server listens on, once started.
func (s *Server) Addr() string {
	if s.listener == nil {
		return ""
	}
	return s.listener.Addr().String()
}
