package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The daily digest: at DigestAt the escalation channels get the line's state in a few lines:
// open and waiting cases, SLA breaches, resolutions and ratings of the last day, patterns. It is
// a due item named after its day, so one replica posts it, and a restart loses none; each
// channel's post is keyed by the day, so a retry does not post it twice.

// DueDigest is the due item kind of the daily digest; its Ref is the day, 2006-01-02.
const DueDigest = "digest"

// Daily is a time of day in a time zone: "08:00 Europe/Berlin".
type Daily struct {
	hour, minute int
	loc          *time.Location
}

// DailySyntax is how a time of day is written.
const DailySyntax = `"08:00 Europe/Berlin" (a 24-hour time and an IANA time zone, UTC when left out)`

// ParseDaily reads a time of day; "" and "off" are none (ok is false).
func ParseDaily(spec string) (d Daily, ok bool, err error) {
	spec = strings.TrimSpace(spec)
	if spec == "" || strings.EqualFold(spec, "off") {
		return Daily{}, false, nil
	}
	parts := strings.Fields(spec)
	if len(parts) > 2 {
		return Daily{}, false, fmt.Errorf("%q: write a time of day as %s", spec, DailySyntax)
	}
	t, err := time.Parse("15:04", parts[0])
	if err != nil {
		return Daily{}, false, fmt.Errorf("%q: write a time of day as %s", spec, DailySyntax)
	}
	d = Daily{hour: t.Hour(), minute: t.Minute(), loc: time.UTC}
	if len(parts) == 2 {
		if d.loc, err = time.LoadLocation(parts[1]); err != nil {
			return Daily{}, false, fmt.Errorf("%q: unknown time zone %q", spec, parts[1])
		}
	}
	return d, true, nil
}

// Next is the first such time after t.
func (d Daily) Next(t time.Time) time.Time {
	local := t.In(d.loc)
	y, m, day := local.Date()
	next := time.Date(y, m, day, d.hour, d.minute, 0, 0, d.loc)
	for !next.After(t) {
		day++
		next = time.Date(y, m, day, d.hour, d.minute, 0, 0, d.loc)
	}
	return next
}

// ScheduleDigest queues the next digest; queuing it again is harmless (the same day is the
// same item).
func (s *Service) ScheduleDigest(ctx context.Context) {
	if s.due == nil || s.cfg.DigestAt == nil {
		return
	}
	at := s.cfg.DigestAt.Next(s.clock.Now())
	it := DueItem{Kind: DueDigest, CaseID: "digest", Ref: at.In(s.cfg.DigestAt.loc).Format("2006-01-02"), At: at}
	if err := s.due.Schedule(ctx, it); err != nil {
		s.log.WarnContext(ctx, "schedule the digest", "err", err)
	}
}

// runDigest posts the digest of the day it.Ref to every escalation channel and queues the next.
func (s *Service) runDigest(ctx context.Context, it DueItem) error {
	text, err := s.digest(ctx)
	if err != nil {
		return err
	}
	line := ThreadMessage{From: botName, Role: "bot", Text: text, At: s.clock.Now(), Mentions: s.cfg.OnCall}
	for _, ch := range s.cfg.Channels {
		m, id, ok := s.messenger(ch)
		if !ok {
			continue
		}
		if err := m.Announce(ctx, id, line, Delivery{Key: "digest/" + it.Ref + "/" + ch, Recheck: true}); err != nil {
			return fmt.Errorf("digest in %s: %w", ch, err)
		}
	}
	s.ScheduleDigest(ctx)
	return nil
}

// digest is the text of the digest, from the cases of the last 30 days and the open ones.
func (s *Service) digest(ctx context.Context) (string, error) {
	cases, err := s.cases.List(ctx, statsCases)
	if err != nil {
		return "", fmt.Errorf("digest: %w", err)
	}
	now, h := s.clock.Now(), s.cfg.SupportHours
	var open, claimed, resolved, ratings, ratingSum int
	var oldest *Case
	breaches := 0
	patterns := map[string][]string{}
	names := map[string]string{}
	for i, c := range cases {
		switch {
		case c.Status == StatusOpen:
			open++
			if oldest == nil || c.UpdatedAt.Before(oldest.UpdatedAt) {
				oldest = &cases[i]
			}
			if d := s.cfg.EscalateUnclaimedAfter; d > 0 && h.Between(c.UpdatedAt, now) > d {
				breaches++
			}
		case c.Status == StatusClaimed:
			claimed++
		case c.Status == StatusResolved && now.Sub(c.EndedAt) <= 24*time.Hour:
			resolved++
			if c.Rating > 0 {
				ratings++
				ratingSum += c.Rating
			}
		}
		if c.Open() && c.Pattern != "" {
			patterns[c.Pattern] = append(patterns[c.Pattern], c.ID)
			names[c.Pattern] = patternName(c)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Daily digest: %d open, %d being handled", open, claimed)
	if oldest != nil {
		fmt.Fprintf(&b, "; longest waiting %s (%s unclaimed)", oldest.ID, roughly(h.Between(oldest.UpdatedAt, now)))
	}
	fmt.Fprintf(&b, ". SLA breaches now: %d. Resolved in the last 24 h: %d", breaches, resolved)
	if ratings > 0 {
		fmt.Fprintf(&b, " (rating %.1f of 5 from %d)", float64(ratingSum)/float64(ratings), ratings)
	}
	b.WriteString(".")
	var keys []string
	for k, ids := range patterns {
		if len(ids) > 1 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "\nPattern: %d open cases of %s (%s)", len(patterns[k]), names[k], strings.Join(patterns[k], ", "))
	}
	return b.String(), nil
}
