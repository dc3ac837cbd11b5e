package slack

import (
	"context"
	"errors"
	"fmt"
	"time"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// ackTimeout bounds queueing one Socket Mode ack; past 3 s Slack redelivers anyway.
const ackTimeout = 3 * time.Second

// startSocket connects Socket Mode and returns once the first connection is up, or with the
// reason it cannot be. slack-go reconnects on its own afterwards.
func (a *Adapter) startSocket(ctx context.Context) error {
	runCtx, cancel := context.WithCancel(context.Background())
	client := socketmode.New(a.api.client)
	done := make(chan struct{})
	connected := make(chan struct{}, 1)
	failed := make(chan error, 1)
	a.mu.Lock()
	a.stopSocket, a.socketDone = cancel, done
	a.mu.Unlock()

	go func() {
		defer close(done)
		a.runSocket(runCtx, client, connected, failed)
	}()

	select {
	case <-connected:
		return nil
	case err := <-failed:
		cancel()
		<-done
		return tokenError("SLACK_APP_TOKEN", a.cfg.apiURL(), err)
	case <-ctx.Done():
		cancel()
		<-done
		return fmt.Errorf("slack: socket mode did not connect in time: %w", ctx.Err())
	}
}

// runSocket runs the Socket Mode client and reads its events until ctx ends or the client
// gives up (a refused app token).
func (a *Adapter) runSocket(ctx context.Context, client *socketmode.Client, connected chan<- struct{}, failed chan<- error) {
	runErr := make(chan error, 1)
	go func() { runErr <- client.RunContext(ctx) }()
	for {
		select {
		case err := <-runErr:
			a.ready.Store(false)
			if ctx.Err() == nil {
				a.log.ErrorContext(ctx, "slack socket mode stopped", "err", err)
				select {
				case failed <- err:
				default:
				}
			}
			return
		case evt := <-client.Events:
			a.socketEvent(ctx, client, evt, connected, failed)
		}
	}
}

func (a *Adapter) socketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event, connected chan<- struct{}, failed chan<- error) {
	switch evt.Type {
	case socketmode.EventTypeConnected:
		a.ready.Store(true)
		a.log.InfoContext(ctx, "slack socket mode connected")
		select {
		case connected <- struct{}{}:
		default:
		}
		return
	case socketmode.EventTypeConnecting:
		a.ready.Store(false)
		return
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeInvalidAuth:
		a.ready.Store(false)
		if ctx.Err() != nil {
			return // the adapter is stopping and closed the connection itself
		}
		a.log.WarnContext(ctx, "slack socket mode connection problem", "type", evt.Type, "detail", describe(evt.Data))
		// slack-go keeps retrying a token Slack refuses with an unexpected code (e.g.
		// not_allowed_token_type); at start that is an operator's mistake to report at once.
		if ce, ok := evt.Data.(*slackgo.ConnectionErrorEvent); ok {
			var se slackgo.SlackErrorResponse
			if errors.As(ce.ErrorObj, &se) {
				select {
				case failed <- se:
				default:
				}
			}
		}
		return
	case socketmode.EventTypeErrorBadMessage, socketmode.EventTypeErrorWriteFailed:
		a.log.WarnContext(ctx, "slack socket mode message problem", "type", evt.Type, "detail", describe(evt.Data))
		return
	case socketmode.EventTypeEventsAPI, socketmode.EventTypeInteractive, socketmode.EventTypeSlashCommand:
	default:
		return
	}
	if evt.Request == nil {
		return
	}
	// The envelope is stored first and acked after: an envelope that could not be stored
	// (Redis away, stopping) is left unacked, and Slack redelivers it (to another connection
	// or instance) instead of it being acked and lost.
	if err := a.storeEnvelope(ctx, evt); err != nil {
		a.log.WarnContext(ctx, "slack envelope not acked: not stored", "envelope", evt.Request.EnvelopeID, "err", err)
		return
	}
	// Slack redelivers an envelope it did not see acked within 3 s, so an ack that cannot be
	// queued by then is given up (the core dedupes the redelivery).
	ackCtx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	if err := client.AckCtx(ackCtx, evt.Request.EnvelopeID, nil); err != nil {
		a.log.WarnContext(ctx, "slack socket mode ack failed", "envelope", evt.Request.EnvelopeID, "err", err)
	}
}

// storeEnvelope stores the work of an envelope in the inbox. An error means it was not stored
// (Redis away, stopping) and must not be acked; an envelope with nothing to do is nil, so that
// it is acked and not redelivered.
func (a *Adapter) storeEnvelope(ctx context.Context, evt socketmode.Event) error {
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		env, err := decodeEvent(evt.Request.Payload)
		if err != nil {
			a.log.WarnContext(ctx, "unreadable slack event envelope", "envelope", evt.Request.EnvelopeID, "err", err)
			return nil
		}
		if env.Type != "event_callback" {
			return nil
		}
		return a.acceptEvent(ctx, env)
	case socketmode.EventTypeInteractive:
		if ic, ok := evt.Data.(slackgo.InteractionCallback); ok {
			return a.acceptInteraction(ctx, ic)
		}
	case socketmode.EventTypeSlashCommand:
		if cmd, ok := evt.Data.(slackgo.SlashCommand); ok {
			return a.acceptCommand(ctx, cmd)
		}
	}
	return nil
}

// describe turns a socket mode event's data into log text.
func describe(data any) string {
	switch d := data.(type) {
	case nil:
		return ""
	case error:
		return d.Error()
	case *slackgo.ConnectionErrorEvent:
		return d.Error()
	case *slackgo.IncomingEventError:
		return d.Error()
	case *socketmode.ErrorBadMessage:
		return d.Cause.Error()
	case *socketmode.ErrorWriteFailed:
		return d.Cause.Error()
	}
	return fmt.Sprintf("%T", data)
}
