package redis

import (
	"context"
	"fmt"
	"log/slog"

	goredis "github.com/redis/go-redis/v9"

	"escalation-bot/redact"
)

// libraryLogger carries go-redis's own log lines (a pool that cannot dial, a connection that
// broke) into slog, so they are structured, follow LOG_FORMAT and name no secret of the URL.
type libraryLogger struct {
	log    *slog.Logger
	rawURL string
}

func (l libraryLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, "redis client", "component", "go-redis", "detail", redact.Scrub(fmt.Sprintf(format, v...), l.rawURL))
}

// routeLibraryLogs sends go-redis's log lines to logger. go-redis has one logger per process,
// not per client; a process of this bot opens one Redis configuration, so that is enough.
func routeLibraryLogs(logger *slog.Logger, rawURL string) {
	goredis.SetLogger(libraryLogger{log: logger, rawURL: rawURL})
}
