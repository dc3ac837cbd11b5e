package redis_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"escalation-bot/adapters/redis"
	"escalation-bot/bot"
	"escalation-bot/xtest/redistest"
)

func line(role, text string, at time.Time) bot.Line {
	return bot.Line{Role: role, Text: text, At: at}
}

func texts(lines []bot.Line) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.Text
	}
	return out
}

func TestDialogueAppendReadCapAndTTL(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		st := newStores(r, redis.Config{})
		d := redis.NewDialogues(r.Client, st.cfg)
		owner := bot.Identity("web:ann")
		r.Reset()
		err := d.Append(ctx, owner, bot.Appending{TTL: time.Hour},
			line(bot.RoleOwner, "hello", t0), bot.Line{Role: bot.RoleBot, Text: "Hi", Buttons: []string{"Understood"}, At: t0})
		if err != nil {
			t.Fatal(err)
		}
		if n := r.RoundTrips(); n > 2 { // EVALSHA, and EVAL the first time the server lacks it
			t.Errorf("append took %d round trips", n)
		}
		got, err := d.Read(ctx, owner)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[1].Buttons[0] != "Understood" || !got[0].At.Equal(t0) || got[0].Role != "owner" {
			t.Fatalf("read %+v", got)
		}
		if ttl := pttl(t, r.Client, st.keys.Dialogue(owner)); ttl <= 59*time.Minute || ttl > time.Hour {
			t.Errorf("dialogue TTL = %v, want the session's hour", ttl)
		}
		// Each line is cut; the dialogue keeps the newest lines.
		long := strings.Repeat("x", bot.MaxDialogueText+100)
		var lines []bot.Line
		for i := range bot.MaxDialogueLines + 10 {
			lines = append(lines, line(bot.RoleOwner, fmt.Sprint(i), t0))
		}
		lines[len(lines)-1].Text = long
		if err := d.Append(ctx, owner, bot.Appending{TTL: 2 * time.Hour}, lines...); err != nil {
			t.Fatal(err)
		}
		got, _ = d.Read(ctx, owner)
		if len(got) != bot.MaxDialogueLines || got[0].Text != "10" {
			t.Fatalf("kept %d lines from %q, want %d from 10", len(got), got[0].Text, bot.MaxDialogueLines)
		}
		if n := len([]rune(got[len(got)-1].Text)); n > bot.MaxDialogueText {
			t.Errorf("a line of %d characters was kept", n)
		}
		if ttl := pttl(t, r.Client, st.keys.Dialogue(owner)); ttl <= time.Hour {
			t.Errorf("append did not refresh the TTL: %v", ttl)
		}
	})
}

func TestDialogueKeyedAppendAndTranscript(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		st := newStores(r, redis.Config{})
		d := redis.NewDialogues(r.Client, st.cfg)
		owner := bot.Identity("web:ann")
		start := t0.Add(time.Minute)
		// An earlier intake's line is not part of the case.
		must(t, d.Append(ctx, owner, bot.Appending{}, line(bot.RoleOwner, "old intake", t0)))
		must(t, d.Append(ctx, owner, bot.Appending{Key: "e1"}, line(bot.RoleOwner, "hello", start)))
		must(t, d.Append(ctx, owner, bot.Appending{Key: "e1"}, line(bot.RoleOwner, "hello", start))) // replayed
		submit := bot.Appending{Key: "e2", Case: "ESC-1001", Since: start}
		must(t, d.Append(ctx, owner, submit, line(bot.RoleOwner, "Submit", start), line(bot.RoleBot, "Case ESC-1001", start)))
		must(t, d.Append(ctx, owner, submit, line(bot.RoleOwner, "Submit", start), line(bot.RoleBot, "Case ESC-1001", start))) // retried
		must(t, d.Append(ctx, owner, bot.Appending{Key: "d1", Case: "ESC-1001"}, line(bot.RoleBot, "Dana claimed", start)))
		got, _ := d.Read(ctx, owner)
		if want := "old intake|hello|Submit|Case ESC-1001|Dana claimed"; strings.Join(texts(got), "|") != want {
			t.Errorf("dialogue = %q, want %q", texts(got), want)
		}
		tr, err := d.Transcript(ctx, "ESC-1001")
		if err != nil {
			t.Fatal(err)
		}
		if want := "hello|Submit|Case ESC-1001|Dana claimed"; strings.Join(texts(tr), "|") != want {
			t.Errorf("transcript = %q, want %q", texts(tr), want)
		}
		if ttl := pttl(t, r.Client, st.keys.Transcript("ESC-1001")); ttl != -1 {
			t.Errorf("transcript TTL = %v, want none", ttl)
		}
	})
}

func TestDialogueConcurrentAppends(t *testing.T) {
	eachBackend(t, func(t *testing.T, r *redistest.Redis) {
		ctx := context.Background()
		st := newStores(r, redis.Config{})
		d := redis.NewDialogues(r.Client, st.cfg)
		owner := bot.Identity("web:ann")
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() {
				// Each event twice, as a redelivery racing the first delivery.
				for range 2 {
					a := bot.Appending{Key: fmt.Sprint("e", i), Case: "ESC-1002"}
					if err := d.Append(ctx, owner, a, line(bot.RoleOwner, fmt.Sprint(i), t0), line(bot.RoleBot, fmt.Sprint("re ", i), t0)); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		for _, read := range []func() ([]bot.Line, error){
			func() ([]bot.Line, error) { return d.Read(ctx, owner) },
			func() ([]bot.Line, error) { return d.Transcript(ctx, "ESC-1002") },
		} {
			got, err := read()
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 40 {
				t.Fatalf("%d lines, want 40", len(got))
			}
			// A turn's lines stay together.
			for i := 0; i < len(got); i += 2 {
				if got[i+1].Text != "re "+got[i].Text {
					t.Fatalf("lines %d and %d: %q, %q", i, i+1, got[i].Text, got[i+1].Text)
				}
			}
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A transcript past its cap keeps its first lines and its newest, and one note where the
// lines between were trimmed, counting all of them: nothing is lost without a word.
func TestTranscriptCapKeepsTheStartAndSaysWhatWasTrimmed(t *testing.T) {
	r := redistest.New(t)
	ctx := context.Background()
	st := newStores(r, redis.Config{})
	d := redis.NewDialogues(r.Client, st.cfg)
	owner := bot.Identity("web:ann")
	appendN := func(from, n int) {
		t.Helper()
		var lines []bot.Line
		for i := from; i < from+n; i++ {
			lines = append(lines, line(bot.RoleOwner, fmt.Sprint(i), t0.Add(time.Duration(i)*time.Millisecond)))
		}
		if err := d.Append(ctx, owner, bot.Appending{Case: "ESC-1001", Since: t0}, lines...); err != nil {
			t.Fatal(err)
		}
	}
	appendN(0, 1) // the first append seeds the transcript from the (capped) dialogue
	appendN(1, bot.MaxTranscriptLines-1)
	appendN(bot.MaxTranscriptLines, 7) // past the cap: 8 lines become the note
	appendN(bot.MaxTranscriptLines+7, 3)
	got, err := d.Transcript(ctx, "ESC-1001")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != bot.MaxTranscriptLines {
		t.Fatalf("transcript has %d lines, want %d", len(got), bot.MaxTranscriptLines)
	}
	head := bot.TranscriptHead
	if got[0].Text != "0" || got[head-1].Text != fmt.Sprint(head-1) {
		t.Fatalf("the start was trimmed: %q … %q", got[0].Text, got[head-1].Text)
	}
	note := got[head]
	if note.Role != bot.RoleNote || note.Trimmed != 11 || !strings.Contains(note.Text, "11 earlier lines were trimmed") {
		t.Fatalf("note %+v", note)
	}
	if !note.At.Equal(t0.Add(time.Duration(head) * time.Millisecond)) {
		t.Errorf("note at %v, want the first trimmed line's time", note.At)
	}
	if next := got[head+1].Text; next != fmt.Sprint(head+11) {
		t.Fatalf("line after the note %q, want %d", next, head+11)
	}
	if last := got[len(got)-1].Text; last != fmt.Sprint(bot.MaxTranscriptLines+9) {
		t.Fatalf("newest line %q", last)
	}
}
