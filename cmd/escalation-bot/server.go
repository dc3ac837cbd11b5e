package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"go.uber.org/fx"
)

// Server is the one HTTP server: health, playground and, with their modules, platform endpoints.
type Server struct {
	srv      *http.Server
	listener net.Listener
	log      *slog.Logger
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
		log: logger,
	}
	lc.Append(fx.Hook{OnStart: s.start, OnStop: s.srv.Shutdown})
	return s
}

func (s *Server) start(context.Context) error {
	// Listening here, not in the goroutine, makes a taken port a start-up error.
	ln, err := net.Listen("tcp", s.srv.Addr)
	if err != nil {
		return fmt.Errorf("listen on HTTP_ADDR %s: %w", s.srv.Addr, err)
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
