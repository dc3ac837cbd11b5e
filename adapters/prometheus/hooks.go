package prometheus

import (
	"context"

	"escalation-bot/bot"
)

// Hook counts the deliveries of the webhook receiver it wraps, by result. The receiver's name
// (a short hash of its URL) is the label: as few values as WEBHOOK_URLS has entries, and no
// URL, which may carry credentials.
type Hook struct {
	bot.Hook
	m *Metrics
}

// DecorateHooks wraps every bot.Hook of the app (for fx.Decorate of the "hooks" group).
func DecorateHooks(m *Metrics, hooks []bot.Hook) []bot.Hook {
	out := make([]bot.Hook, len(hooks))
	for i, h := range hooks {
		for _, r := range []string{webhookDelivered, webhookFailed} {
			m.webhooks.WithLabelValues(h.Name(), r)
		}
		out[i] = &Hook{Hook: h, m: m}
	}
	return out
}

// Send counts the attempt: delivered on a 2xx answer, failed otherwise.
func (h *Hook) Send(ctx context.Context, ev bot.HookEvent) error {
	err := h.Hook.Send(ctx, ev)
	result := webhookDelivered
	if err != nil {
		result = webhookFailed
	}
	h.m.webhooks.WithLabelValues(h.Name(), result).Inc()
	return err
}
