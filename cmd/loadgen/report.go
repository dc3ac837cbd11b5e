package main

import (
	"fmt"
	"io"
	"time"
)

// report is what a run measured.
type report struct {
	Mode        string `json:"mode"`
	Owners      int    `json:"owners"`
	Concurrency int    `json:"concurrency"`
	Think       string `json:"think"`
	// Ack is how long the platform waited for the bot's acknowledgement: Slack's HTTP
	// response, the playground's answer, a Discord click's interaction response (a Discord DM
	// has none).
	Ack percentiles `json:"ack"`
	// Reply is the time from an owner's move to the bot's first message in answer.
	Reply          percentiles `json:"first_reply"`
	Turns          int         `json:"turns"`
	Seconds        float64     `json:"seconds"`
	TurnsPerSecond float64     `json:"turns_per_second"`
	// Told is the owners told their case id; Cases the open cases in Redis.
	Told  int `json:"told"`
	Cases int `json:"cases"`
	// Lost: owners told a case id who have no open case; Doubled: open cases beyond one per
	// owner; Mismatched: owners told another id than their open case's.
	Lost       int `json:"lost"`
	Doubled    int `json:"doubled"`
	Mismatched int `json:"mismatched"`
	// Cards are the case cards posted in the escalation channel; DuplicateCards those beyond
	// a case's first.
	Cards          int      `json:"cards"`
	DuplicateCards int      `json:"duplicate_cards"`
	Failed         int      `json:"failed"` // owners who did not finish their intake
	Problems       []string `json:"problems,omitempty"`
	// BotCPUSeconds and LoadgenCPUSeconds are the processor time the bot and this process
	// used while the owners ran: on a shared machine, the cost per turn is steadier than the
	// latencies.
	BotCPUSeconds     float64 `json:"bot_cpu_seconds"`
	LoadgenCPUSeconds float64 `json:"loadgen_cpu_seconds"`
	RSSBytes          int64   `json:"rss_bytes"`
	PeakRSSBytes      int64   `json:"peak_rss_bytes"`
	BotLog            string  `json:"bot_log,omitempty"`
}

// OK reports whether every owner got one case, with one card.
func (r *report) OK() bool {
	return r.Failed == 0 && r.Told == r.Owners && r.Cases == r.Owners && r.Lost == 0 && r.Doubled == 0 &&
		r.Mismatched == 0 && r.DuplicateCards == 0 && (r.Mode == "playground" || r.Cards == r.Cases)
}

func (r *report) print(w io.Writer) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	fmt.Fprintf(w, "mode            %s\n", r.Mode)
	fmt.Fprintf(w, "owners          %d, %d at once, answering after %s on average\n", r.Owners, r.Concurrency, r.Think)
	if r.Ack.N > 0 {
		fmt.Fprintf(w, "ack             p50 %s  p90 %s  p99 %s  max %s  (n=%d)\n", ms(r.Ack.P50), ms(r.Ack.P90), ms(r.Ack.P99), ms(r.Ack.Max), r.Ack.N)
	}
	fmt.Fprintf(w, "first reply     p50 %s  p90 %s  p99 %s  max %s  (n=%d)\n", ms(r.Reply.P50), ms(r.Reply.P90), ms(r.Reply.P99), ms(r.Reply.Max), r.Reply.N)
	fmt.Fprintf(w, "turns           %d in %.1f s: %.0f turns/s\n", r.Turns, r.Seconds, r.TurnsPerSecond)
	if r.BotCPUSeconds > 0 && r.Turns > 0 {
		fmt.Fprintf(w, "cpu             bot %.1f s (%.2f ms a turn), loadgen %.1f s\n", r.BotCPUSeconds, 1000*r.BotCPUSeconds/float64(r.Turns), r.LoadgenCPUSeconds)
	}
	fmt.Fprintf(w, "cases           %d open, %d owners told their id, %d lost, %d doubled, %d told a wrong id\n", r.Cases, r.Told, r.Lost, r.Doubled, r.Mismatched)
	if r.Mode != "playground" {
		fmt.Fprintf(w, "cards           %d, %d duplicate\n", r.Cards, r.DuplicateCards)
	}
	if r.RSSBytes > 0 {
		fmt.Fprintf(w, "bot memory      %.0f MB resident at the end, %.0f MB at the peak\n", float64(r.RSSBytes)/(1<<20), float64(r.PeakRSSBytes)/(1<<20))
	}
	fmt.Fprintf(w, "owners failed   %d\n", r.Failed)
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  %s\n", p)
	}
	if r.BotLog != "" {
		fmt.Fprintf(w, "bot log         %s\n", r.BotLog)
	}
	if r.OK() {
		fmt.Fprintln(w, "result          ok: every owner got one case, every case one card")
	} else {
		fmt.Fprintln(w, "result          FAILED")
	}
}
