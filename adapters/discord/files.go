package discord

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"escalation-bot/bot"
	"escalation-bot/presentation"

	"github.com/bwmarrin/discordgo"
)

// An owner's attachments: Discord's links to them expire (signed CDN links, about a day), so
// the bot fetches the bytes while it handles the message and the core keeps them; in the
// case's thread the bot uploads them again.

// fileWait bounds one attachment's download: a CDN that hangs fails the message's turn, which
// the inbox runs again, instead of holding the owner's lane for the job's whole time.
const fileWait = 20 * time.Second

// errFileGone is an attachment the CDN no longer hands over (deleted, or its link expired), or
// whose link does not point at Discord: there is nothing to fetch, now or later.
var errFileGone = errors.New("the attachment cannot be fetched")

// files are the attachments of an owner's message for the core to keep, fetched only when it
// takes them. One over the core's limit by the size Discord declares is not fetched, and one
// Discord no longer hands over comes without bytes: the core tells the owner either way. A
// download that fails (the CDN failing or slow) fails the turn: the message runs again.
func (a *Adapter) files(atts []*discordgo.MessageAttachment) []bot.Upload {
	limit := a.svc.FileMaxBytes()
	var out []bot.Upload
	for i, at := range atts {
		if at == nil {
			continue
		}
		u := bot.Upload{Name: at.Filename, Type: at.ContentType, Size: int64(at.Size)}
		// The core refuses more than a message may carry: those are not fetched either.
		if u.Size <= limit && i < maxAttachments {
			u.Fetch = func(ctx context.Context) ([]byte, error) {
				data, err := a.msgr.download(ctx, at, limit)
				switch {
				case errors.Is(err, errFileGone):
					a.log.WarnContext(ctx, "owner's attachment not handed over by discord", "attachment", at.ID)
					return nil, nil
				case err != nil:
					a.log.WarnContext(ctx, "owner's attachment not fetched; the message runs again", "attachment", at.ID, "err", err)
				}
				return data, err
			}
		}
		out = append(out, u)
	}
	return out
}

// download fetches an attachment from Discord's CDN, at most limit bytes and one, without the
// bot's token (the CDN's signed links need none). Only the CDN's hosts, or the host of
// DISCORD_API_URL (a proxy, the stand-in in tests), are asked.
func (m *Messenger) download(ctx context.Context, at *discordgo.MessageAttachment, limit int64) ([]byte, error) {
	var u *url.URL
	for _, raw := range []string{at.URL, at.ProxyURL} {
		if p, err := url.Parse(raw); err == nil && raw != "" && m.cdnHost(p) {
			u = p
			break
		}
	}
	if u == nil {
		return nil, errFileGone
	}
	ctx, cancel := context.WithTimeout(ctx, m.fileWait)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, errFileGone
	}
	res, err := m.files.Do(req)
	if err != nil {
		return nil, fmt.Errorf("discord attachment %s: %w", at.ID, urlless(err))
	}
	defer res.Body.Close()
	switch {
	case res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500:
		return nil, fmt.Errorf("discord attachment %s: %s", at.ID, res.Status)
	case res.StatusCode != http.StatusOK:
		return nil, errFileGone
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("discord attachment %s: %w", at.ID, urlless(err))
	}
	return data, nil
}

// urlless is err without the URL a *url.Error names: a signed link is as good as the file to
// whoever reads the log.
func urlless(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// cdnHost reports whether u points at Discord's CDN (https on cdn.discordapp.com or
// media.discordapp.net), or at the scheme and host of DISCORD_API_URL.
func (m *Messenger) cdnHost(u *url.URL) bool {
	if m.base != nil && u.Scheme == m.base.Scheme && u.Host == m.base.Host {
		return true
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	return u.Scheme == "https" && u.Port() == "" && (host == "cdn.discordapp.com" || host == "media.discordapp.net")
}

// postFile uploads an owner's file into the card's thread, the line as its words. A keyed
// delivery is sent with a nonce (enforce_nonce), as every keyed line is, so a delivery run
// again within Discord's nonce window returns the first message; one that may have happened
// before (Recheck) is first looked for in the thread by its upload name, which a nonce
// forgotten since cannot vouch for. A file over what Discord takes from a bot is named in a
// line instead, without its bytes (the transcript has it).
func (m *Messenger) postFile(ctx context.Context, thread string, msg bot.ThreadMessage, d bot.Delivery) error {
	a := msg.File
	name := uploadName(*a, d.Key)
	if d.Recheck {
		found, err := m.findFile(ctx, thread, name)
		if err != nil {
			return err
		}
		if found {
			return nil
		}
	}
	send := renderFileLine(msg)
	send.Files = []*discordgo.File{{Name: name, ContentType: a.Type, Reader: bytes.NewReader(a.Data)}}
	err := m.sendFile(ctx, thread, send, d.Key)
	if restCode(err) == discordgo.ErrCodeRequestEntityTooLarge || restStatus(err) == http.StatusRequestEntityTooLarge {
		m.log.WarnContext(ctx, "owner's file too large for discord; named in the thread instead", "case", msg.CaseID, "size", len(a.Data))
		line := msg
		line.Text += " — too large to upload here; the case's transcript has it"
		line.File = nil
		return m.sendLine(ctx, thread, line, d)
	}
	return err
}

// sendFile posts a message with files: payload_json and files[n], as ChannelMessageSendComplex
// does, with the nonce fields it lacks when the delivery has a key.
func (m *Messenger) sendFile(ctx context.Context, channel string, send *discordgo.MessageSend, key string) error {
	if key == "" {
		_, err := m.dg.ChannelMessageSendComplex(channel, send, discordgo.WithContext(ctx))
		return err
	}
	body := nonceMessage{MessageSend: send, Nonce: answerNonce(key, send), EnforceNonce: true}
	contentType, data, err := discordgo.MultipartBodyWithJSON(body, send.Files)
	if err != nil {
		return fmt.Errorf("encode a file for channel %s: %w", channel, err)
	}
	endpoint := discordgo.EndpointChannelMessages(channel)
	if _, err := m.dg.RequestRaw("POST", endpoint, contentType, data, endpoint, 0, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("send a file to channel %s: %w", channel, err)
	}
	return nil
}

// findFile reports whether the bot's newest messages in the thread carry an upload whose name
// has the tag of name.
func (m *Messenger) findFile(ctx context.Context, thread, name string) (bool, error) {
	msgs, err := m.dg.ChannelMessages(thread, 100, "", "", "", discordgo.WithContext(ctx))
	if restCode(err) == discordgo.ErrCodeUnknownChannel {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look for %s in thread %s: %w", name, thread, err)
	}
	tag := presentation.UploadTag(name)
	self := m.selfID()
	for _, msg := range msgs {
		if msg.Author == nil || !msg.Author.Bot || (self != "" && msg.Author.ID != self) {
			continue
		}
		for _, at := range msg.Attachments {
			if at != nil && presentation.UploadTag(at.Filename) == tag {
				return true, nil
			}
		}
	}
	return false, nil
}

// uploadName is the name an owner's file is uploaded under: presentation.UploadName's, with
// spaces as underscores, as Discord shows them ("dash_light.3f2a9c1e.png").
func uploadName(a bot.Attachment, key string) string {
	ext := path.Ext(a.Name)
	a.Name = strings.ReplaceAll(strings.TrimSuffix(a.Name, ext), " ", "_") + ext
	return presentation.UploadName(a, key)
}
