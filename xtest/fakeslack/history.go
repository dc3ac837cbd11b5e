package fakeslack

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// Message is a message as it stands in a channel: posted with chat.postMessage (and accepted),
// changed by chat.update since, not deleted.
type Message struct {
	Channel, TS, ThreadTS, Text string
	// Blocks is the JSON array of the message's blocks, nil when it has none.
	Blocks json.RawMessage
	// Metadata is the message's metadata ({"event_type","event_payload"}), nil when it has
	// none; set only for OnPost.
	Metadata json.RawMessage
}

// Messages returns the messages of a channel, oldest first, as a person scrolling it sees them;
// a user id stands for the DM with that user, as in chat.postMessage.
func (s *Server) Messages(channel string) []Message {
	channel = channelOf(channel)
	s.mu.Lock()
	var out []Message
	for _, m := range s.messages {
		if m.channel == channel {
			out = append(out, Message{Channel: m.channel, TS: m.ts, ThreadTS: m.threadTS, Text: m.text, Blocks: m.blocks})
		}
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return tsLess(out[i].TS, out[j].TS) })
	return out
}

// tsLess orders message timestamps ("1700000000.000100") by time.
func tsLess(a, b string) bool {
	as, af, _ := strings.Cut(a, ".")
	bs, bf, _ := strings.Cut(b, ".")
	ai, _ := strconv.ParseInt(as, 10, 64)
	bi, _ := strconv.ParseInt(bs, 10, 64)
	if ai != bi {
		return ai < bi
	}
	ap, _ := strconv.ParseInt(af, 10, 64)
	bp, _ := strconv.ParseInt(bf, 10, 64)
	return ap < bp
}
