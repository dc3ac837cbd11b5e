package fakediscord_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"escalation-bot/xtest/fakediscord"
)

const wait = 10 * time.Second

// newSession returns a discordgo session whose REST (and therefore gateway discovery) goes to
// srv, as the adapter wires it.
func newSession(t *testing.T, srv *fakediscord.Server) *discordgo.Session {
	t.Helper()
	dg, err := discordgo.New("Bot test-token")
	if err != nil {
		t.Fatal(err)
	}
	dg.Client = &http.Client{Transport: srv.Transport(), Timeout: wait}
	dg.LogLevel = -1 // keep the test output clean; failures are asserted below
	return dg
}

// open opens the gateway and closes it when the test ends (before the server closes).
func open(t *testing.T, dg *discordgo.Session) {
	t.Helper()
	if err := dg.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { dg.Close() })
}

func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wait):
		var zero T
		t.Fatalf("timed out waiting for %T", zero)
		return zero
	}
}

func allowNone() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

func restCode(t *testing.T, err error) int {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Message == nil {
		t.Fatalf("want a *discordgo.RESTError with a message, got %v", err)
	}
	return re.Message.Code
}

func TestOpenIdentifyReady(t *testing.T) {
	t.Parallel()
	srv := fakediscord.New(t)
	srv.SetGuild("200000000000000001", "Ops")
	dg := newSession(t, srv)
	intents := discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages | discordgo.IntentMessageContent
	dg.Identify.Intents = intents
	guilds := make(chan *discordgo.GuildCreate, 1)
	dg.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { guilds <- g })
	open(t, dg)

	ids := srv.Identifies()
	if len(ids) != 1 {
		t.Fatalf("identifies = %d, want 1", len(ids))
	}
	id := ids[0]
	if id.Token != "Bot test-token" || id.Intents != int(intents) || id.Shard != [2]int{0, 1} {
		t.Errorf("identify = %+v", id)
	}
	if !id.Compress {
		t.Errorf("discordgo v0.29.0 identifies with compress=true by default; got false")
	}
	if id.Version != 9 {
		t.Errorf("gateway ?v= = %d; discordgo v0.29.0 uses API v9", id.Version)
	}
	if dg.State.User == nil || dg.State.User.ID != fakediscord.BotUserID || !dg.State.User.Bot {
		t.Fatalf("State.User = %+v", dg.State.User)
	}
	if dg.State.SessionID != id.SessionID || id.SessionID != srv.SessionID() {
		t.Errorf("session ids: state %q, identify %q, server %q", dg.State.SessionID, id.SessionID, srv.SessionID())
	}
	if dg.State.Application == nil || dg.State.Application.ID != fakediscord.ApplicationID {
		t.Errorf("State.Application = %+v", dg.State.Application)
	}
	calls := srv.Calls("GET /api/v10/gateway$")
	if len(calls) != 1 || calls[0].Path != "/api/v9/gateway" || calls[0].Header.Get("Authorization") != "Bot test-token" {
		t.Errorf("gateway calls = %v", calls)
	}
	// GUILD_CREATE follows READY for every known guild.
	if g := recv(t, guilds); g.ID != "200000000000000001" || g.Name != "Ops" || g.Unavailable {
		t.Errorf("GUILD_CREATE = %+v", g.Guild)
	}
	me, err := dg.User("@me")
	if err != nil || me.ID != fakediscord.BotUserID {
		t.Errorf("User(@me) = %+v, %v", me, err)
	}
	srv.AssertNoViolations(t)
}

func TestDispatchMessageCreate(t *testing.T) {
	t.Parallel()
	srv := fakediscord.New(t)
	dg := newSession(t, srv) // default intents: IntentsAllWithoutPrivileged (no MESSAGE_CONTENT)
	msgs := make(chan *discordgo.MessageCreate, 8)
	dg.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { msgs <- m })
	open(t, dg)

	seq := srv.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate("", "300000000000000001", "", "400000000000000001", "alice", "help, the pager is down"))
	if seq < 2 {
		t.Errorf("seq = %d, want > READY's 1", seq)
	}
	m := recv(t, msgs)
	if m.Content != "help, the pager is down" || m.GuildID != "" || m.Author.ID != "400000000000000001" || m.Author.Username != "alice" {
		t.Errorf("DM = %+v (author %+v)", m.Message, m.Author)
	}

	// Guild message without the MESSAGE_CONTENT intent: content stripped...
	srv.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate("", "300000000000000002", "200000000000000001", "400000000000000001", "alice", "secret words"))
	if m := recv(t, msgs); m.Content != "" || m.GuildID != "200000000000000001" || m.Member == nil {
		t.Errorf("guild message without intent: content %q guild %q member %v", m.Content, m.GuildID, m.Member)
	}
	// ...unless it mentions the bot.
	srv.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate("", "300000000000000002", "200000000000000001", "400000000000000001", "alice", "<@"+fakediscord.BotUserID+"> escalate"))
	if m := recv(t, msgs); !strings.HasSuffix(m.Content, "escalate") || len(m.Mentions) != 1 || m.Mentions[0].ID != fakediscord.BotUserID {
		t.Errorf("mention: content %q mentions %v", m.Content, m.Mentions)
	}
}

func TestIntentsFilterEvents(t *testing.T) {
	t.Parallel()
	srv := fakediscord.New(t)
	dg := newSession(t, srv)
	dg.Identify.Intents = discordgo.IntentsGuilds // no message intents
	open(t, dg)
	if seq := srv.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate("", "1", "", "2", "bob", "hi")); seq != 0 {
		t.Errorf("DM without DIRECT_MESSAGES intent delivered with seq %d", seq)
	}
	if seq := srv.Dispatch(t, "INTERACTION_CREATE", fakediscord.SlashCommand(fakediscord.Invoker{UserID: "2"}, "1", "page")); seq == 0 {
		t.Error("interactions need no intent")
	}
}

func TestInteractionsDecode(t *testing.T) {
	t.Parallel()
	srv := fakediscord.New(t)
	dg := newSession(t, srv)
	got := make(chan *discordgo.InteractionCreate, 8)
	dg.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { got <- i })
	open(t, dg)

	joined := time.Date(2023, 5, 6, 7, 8, 9, 0, time.UTC)
	guildInv := fakediscord.Invoker{UserID: "400000000000000001", Username: "alice", GuildID: "200000000000000001",
		Roles: []string{"500000000000000001"}, JoinedAt: joined, Permissions: 8}
	dmInv := fakediscord.Invoker{UserID: "400000000000000002", Username: "bob"}

	// Slash command with a sub-command.
	cmd := fakediscord.SlashCommand(guildInv, "300000000000000001", "escalate",
		fakediscord.SubCommand("open", fakediscord.StringOption("summary", "db down"), fakediscord.IntegerOption("severity", 2),
			fakediscord.BooleanOption("page", false), fakediscord.UserOption("owner", "400000000000000003")))
	srv.Dispatch(t, "INTERACTION_CREATE", cmd)
	ic := recv(t, got)
	if ic.Type != discordgo.InteractionApplicationCommand || ic.ID != cmd["id"] || ic.Token != cmd["token"] || ic.AppID != fakediscord.ApplicationID {
		t.Fatalf("command interaction = %+v", ic.Interaction)
	}
	data := ic.ApplicationCommandData()
	sub := data.Options[0]
	if data.Name != "escalate" || sub.Type != discordgo.ApplicationCommandOptionSubCommand || sub.Name != "open" {
		t.Errorf("command data = %+v", data)
	}
	if sub.GetOption("summary").StringValue() != "db down" || sub.GetOption("severity").IntValue() != 2 ||
		sub.GetOption("page").BoolValue() || sub.GetOption("owner").UserValue(nil).ID != "400000000000000003" {
		t.Errorf("sub-command options = %+v", sub.Options)
	}
	if data.Resolved == nil || data.Resolved.Users["400000000000000003"] == nil {
		t.Errorf("resolved = %+v", data.Resolved)
	}
	if ic.Member == nil || ic.User != nil || ic.Member.User.ID != "400000000000000001" || !slices.Equal(ic.Member.Roles, []string{"500000000000000001"}) ||
		!ic.Member.JoinedAt.Equal(joined) || ic.Member.Permissions != 8 || ic.GuildID != "200000000000000001" {
		t.Errorf("member = %+v", ic.Member)
	}
	if ic.AppPermissions != fakediscord.DefaultAppPermissions {
		t.Errorf("app_permissions = %d", ic.AppPermissions)
	}

	// Button in a DM.
	srv.Dispatch(t, "INTERACTION_CREATE", fakediscord.ButtonClick(dmInv, "300000000000000009", "600000000000000001", "ack:42"))
	ic = recv(t, got)
	if cd := ic.MessageComponentData(); cd.CustomID != "ack:42" || cd.ComponentType != discordgo.ButtonComponent {
		t.Errorf("button data = %+v", cd)
	}
	if ic.User == nil || ic.User.ID != "400000000000000002" || ic.Member != nil || ic.Message == nil || ic.Message.ID != "600000000000000001" {
		t.Errorf("DM button: user %+v member %+v message %+v", ic.User, ic.Member, ic.Message)
	}

	// String select.
	srv.Dispatch(t, "INTERACTION_CREATE", fakediscord.SelectMenu(guildInv, "300000000000000001", "600000000000000002", "sev", "p1", "p2"))
	if cd := recv(t, got).MessageComponentData(); cd.ComponentType != discordgo.SelectMenuComponent || !slices.Equal(cd.Values, []string{"p1", "p2"}) {
		t.Errorf("select data = %+v", cd)
	}

	// Modal submit.
	srv.Dispatch(t, "INTERACTION_CREATE", fakediscord.ModalSubmit(guildInv, "300000000000000001", "escalate-modal",
		fakediscord.TextField{CustomID: "reason", Value: "it is on fire"}))
	md := recv(t, got).ModalSubmitData()
	if md.CustomID != "escalate-modal" || len(md.Components) != 1 {
		t.Fatalf("modal data = %+v", md)
	}
	if ti := md.Components[0].(*discordgo.ActionsRow).Components[0].(*discordgo.TextInput); ti.CustomID != "reason" || ti.Value != "it is on fire" {
		t.Errorf("text input = %+v", ti)
	}

	// Message context menu.
	target := fakediscord.MessageCreate("600000000000000003", "300000000000000001", "200000000000000001", "400000000000000004", "carol", "the thing broke")
	srv.Dispatch(t, "INTERACTION_CREATE", fakediscord.MessageCommand(guildInv, "300000000000000001", "Escalate this", target))
	cd := recv(t, got).ApplicationCommandData()
	if cd.CommandType != discordgo.MessageApplicationCommand || cd.TargetID != "600000000000000003" ||
		cd.Resolved.Messages["600000000000000003"].Content != "the thing broke" {
		t.Errorf("context menu data = %+v", cd)
	}
	srv.AssertNoViolations(t)
}

func TestInteractionResponses(t *testing.T) {
	t.Parallel()
	srv := fakediscord.New(t)
	dg := newSession(t, srv)
	got := make(chan *discordgo.InteractionCreate, 8)
	dg.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { got <- i })
	open(t, dg)
	inv := fakediscord.Invoker{UserID: "400000000000000001", GuildID: "200000000000000001"}

	// Immediate ephemeral reply; a second callback is rejected.
	cmd := fakediscord.SlashCommand(inv, "300000000000000001", "status")
	srv.Dispatch(t, "INTERACTION_CREATE", cmd)
	ic := recv(t, got)
	err := dg.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "all good", Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: allowNone()},
	})
	if err != nil {
		t.Fatalf("InteractionRespond: %v", err)
	}
	resp := srv.WaitResponse(t, ic.ID, wait)
	if resp.CallbackType != 4 || !resp.Ephemeral || resp.Status != http.StatusNoContent {
		t.Errorf("callback = %+v", resp)
	}
	var body discordgo.InteractionResponse
	if err := resp.Decode(&body); err != nil || body.Data.Content != "all good" {
		t.Errorf("decoded callback = %+v, %v", body, err)
	}
	err = dg.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
	if code := restCode(t, err); code != 40060 {
		t.Errorf("second callback code = %d, want 40060", code)
	}
	if v := srv.Violations(); len(v) != 1 || !strings.Contains(v[0], "already been acknowledged") {
		t.Errorf("violations = %v", v)
	}
	orig, err := dg.InteractionResponse(ic.Interaction)
	if err != nil || orig.Content != "all good" || orig.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("@original = %+v, %v", orig, err)
	}

	// Deferred, then edit @original and an ephemeral follow-up.
	cmd = fakediscord.SlashCommand(inv, "300000000000000001", "escalate")
	srv.Dispatch(t, "INTERACTION_CREATE", cmd)
	ic = recv(t, got)
	if err := dg.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
		t.Fatal(err)
	}
	content := "escalated to on-call"
	edited, err := dg.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{Content: &content, AllowedMentions: allowNone()})
	if err != nil || edited.Content != content {
		t.Fatalf("edit @original = %+v, %v", edited, err)
	}
	fu, err := dg.FollowupMessageCreate(ic.Interaction, true, &discordgo.WebhookParams{Content: "only you see this", Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: allowNone()})
	if err != nil || fu.ID == "" {
		t.Fatalf("follow-up = %+v, %v", fu, err)
	}
	rs := srv.Responses(ic.ID)
	if len(rs) != 3 || rs[0].CallbackType != 5 || rs[1].Method != "PATCH" || !strings.HasSuffix(rs[1].Path, "/messages/@original") || rs[2].Method != "POST" || !rs[2].Ephemeral {
		t.Errorf("responses = %v", rs)
	}

	// A follow-up with files keeps them, within Discord's limits.
	file := func(name string, n int) *discordgo.File {
		return &discordgo.File{Name: name, ContentType: "text/markdown", Reader: bytes.NewReader(bytes.Repeat([]byte("x"), n))}
	}
	fu, err = dg.FollowupMessageCreate(ic.Interaction, true, &discordgo.WebhookParams{Content: "files", Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: allowNone(),
		Files: []*discordgo.File{file("a.md", 3), file("b.json", 5)}})
	if err != nil || len(fu.Attachments) != 2 || fu.Attachments[1].Filename != "b.json" || fu.Attachments[1].Size != 5 || fu.Attachments[0].ContentType != "text/markdown" {
		t.Fatalf("follow-up with files = %+v, %v", fu, err)
	}
	if at := srv.Attachments(fu.ChannelID); len(at) != 2 || at[0].MessageID != fu.ID || at[0].Filename != "a.md" || at[0].Field != "files[0]" || string(at[1].Data) != "xxxxx" {
		t.Errorf("attachments kept = %+v", at)
	}
	many := make([]*discordgo.File, fakediscord.MaxAttachments+1)
	for i := range many {
		many[i] = file(fmt.Sprintf("%d.md", i), 1)
	}
	before := len(srv.Violations())
	for _, files := range [][]*discordgo.File{many, {file("big.md", fakediscord.MaxAttachmentSize+1)}} {
		if _, err := dg.FollowupMessageCreate(ic.Interaction, true, &discordgo.WebhookParams{Content: "x", AllowedMentions: allowNone(), Files: files}); err == nil {
			t.Errorf("%d file(s) of up to %d bytes taken", len(files), fakediscord.MaxAttachmentSize+1)
		}
	}
	if v := srv.Violations(); len(v) != before+2 {
		t.Errorf("violations = %v", v[before:])
	}

	// A button answered with a modal.
	srv.Dispatch(t, "INTERACTION_CREATE", fakediscord.ButtonClick(inv, "300000000000000001", "600000000000000001", "escalate"))
	ic = recv(t, got)
	modal := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: "escalate-modal", Title: "Escalate",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.TextInput{CustomID: "reason", Label: "Reason", Style: discordgo.TextInputParagraph, Required: true},
		}}},
	}}
	if err := dg.InteractionRespond(ic.Interaction, modal); err != nil {
		t.Fatalf("modal: %v", err)
	}
	if r := srv.WaitResponse(t, ic.ID, wait); r.CallbackType != 9 {
		t.Errorf("modal callback = %+v", r)
	}

	// Too late: Discord forgets the interaction after 3 s.
	srv.Dispatch(t, "INTERACTION_CREATE", fakediscord.SlashCommand(inv, "300000000000000001", "late"))
	ic = recv(t, got)
	time.Sleep(fakediscord.InteractionDeadline + 100*time.Millisecond)
	err = dg.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
	if code := restCode(t, err); code != 10062 {
		t.Errorf("late callback code = %d, want 10062", code)
	}
}

func TestChannelMessagesThreadsDMsMembers(t *testing.T) {
	t.Parallel()
	srv := fakediscord.New(t)
	dg := newSession(t, srv)

	send := &discordgo.MessageSend{
		Content: "Incident #42",
		Embeds: []*discordgo.MessageEmbed{{Title: "DB down", Description: "primary unreachable",
			Fields: []*discordgo.MessageEmbedField{{Name: "Severity", Value: "P1", Inline: true}}}},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Ack", Style: discordgo.PrimaryButton, CustomID: "ack:42"},
			discordgo.Button{Label: "Runbook", Style: discordgo.LinkButton, URL: "https://example.com/runbook"},
		}}},
		AllowedMentions: allowNone(),
	}
	m, err := dg.ChannelMessageSendComplex("300000000000000001", send)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	if m.ID == "" || m.ChannelID != "300000000000000001" || m.Content != "Incident #42" || len(m.Embeds) != 1 || m.Embeds[0].Type != "rich" ||
		len(m.Components) != 1 || m.Author == nil || m.Author.ID != fakediscord.BotUserID {
		t.Errorf("message = %+v", m)
	}
	if row := m.Components[0].(*discordgo.ActionsRow); row.Components[0].(*discordgo.Button).CustomID != "ack:42" {
		t.Errorf("components = %+v", row.Components)
	}
	calls := srv.WaitCalls(t, "POST /api/v10/channels/*/messages$", 1, wait)
	var sent map[string]any
	if err := calls[0].Decode(&sent); err != nil || sent["content"] != "Incident #42" {
		t.Errorf("recorded body = %v, %v", sent, err)
	}

	content := "Incident #42 (acknowledged)"
	edit := discordgo.NewMessageEdit(m.ChannelID, m.ID).SetContent(content)
	edit.AllowedMentions = allowNone()
	edited, err := dg.ChannelMessageEditComplex(edit)
	if err != nil || edited.Content != content || edited.EditedTimestamp == nil || len(edited.Embeds) != 1 {
		t.Errorf("edit = %+v, %v", edited, err)
	}

	th, err := dg.MessageThreadStart(m.ChannelID, m.ID, "incident-42", 1440)
	if err != nil || th.Type != discordgo.ChannelTypeGuildPublicThread || th.ID != m.ID || th.ParentID != m.ChannelID {
		t.Errorf("thread = %+v, %v", th, err)
	}
	if _, err := dg.MessageThreadStart(m.ChannelID, m.ID, "again", 1440); restCode(t, err) != 160004 {
		t.Errorf("second thread: %v", err)
	}

	dm1, err := dg.UserChannelCreate("400000000000000001")
	if err != nil || dm1.Type != discordgo.ChannelTypeDM || len(dm1.Recipients) != 1 || dm1.Recipients[0].ID != "400000000000000001" {
		t.Fatalf("DM = %+v, %v", dm1, err)
	}
	if dm2, _ := dg.UserChannelCreate("400000000000000001"); dm2.ID != dm1.ID {
		t.Errorf("DM channel id not stable: %s vs %s", dm1.ID, dm2.ID)
	}
	if _, err := dg.MessageThreadStart(dm1.ID, m.ID, "nope", 60); restCode(t, err) != 50024 {
		t.Errorf("thread in DM: %v", err)
	}

	joined := time.Date(2022, 1, 2, 3, 4, 5, 0, time.UTC)
	srv.SetMember("200000000000000001", "400000000000000001", []string{"500000000000000001"}, joined)
	srv.SetRoles("200000000000000001", fakediscord.Role{ID: "500000000000000001", Name: "oncall", Permissions: 1 << 3, Position: 1})
	mem, err := dg.GuildMember("200000000000000001", "400000000000000001")
	if err != nil || !slices.Equal(mem.Roles, []string{"500000000000000001"}) || !mem.JoinedAt.Equal(joined) || mem.User.ID != "400000000000000001" {
		t.Errorf("member = %+v, %v", mem, err)
	}
	roles, err := dg.GuildRoles("200000000000000001")
	if err != nil || len(roles) != 2 || roles[0].Name != "@everyone" || roles[1].Name != "oncall" || roles[1].Permissions != 8 {
		t.Errorf("roles = %+v, %v", roles, err)
	}
	if _, err := dg.GuildMember("200000000000000001", "400000000000000099"); restCode(t, err) != 10007 {
		t.Errorf("unknown member: %v", err)
	}
	if v := srv.Violations(); len(v) != 2 {
		t.Errorf("violations = %v", v)
	}
}

func TestViolations(t *testing.T) {
	t.Parallel()
	srv := fakediscord.New(t)
	dg := newSession(t, srv)
	ch := "300000000000000001"

	_, err := dg.ChannelMessageSendComplex(ch, &discordgo.MessageSend{Content: strings.Repeat("x", 2001), AllowedMentions: allowNone()})
	if code := restCode(t, err); code != 50035 {
		t.Errorf("too long: code %d", code)
	}
	var re *discordgo.RESTError
	errors.As(err, &re)
	var body struct {
		Errors map[string]map[string][]map[string]string `json:"errors"`
	}
	if json.Unmarshal(re.ResponseBody, &body); body.Errors["content"]["_errors"][0]["code"] != "BASE_TYPE_MAX_LENGTH" || re.Response.StatusCode != 400 {
		t.Errorf("error body = %s", re.ResponseBody)
	}
	if v := srv.Violations(); len(v) != 1 || !strings.Contains(v[0], "content") {
		t.Fatalf("violations = %v", v)
	}

	// No allowed_mentions.
	if _, err := dg.ChannelMessageSend(ch, "hi"); restCode(t, err) != 50035 {
		t.Errorf("no allowed_mentions: %v", err)
	}

	btn := func(id string) discordgo.MessageComponent {
		return discordgo.Button{Label: "b", CustomID: id}
	}
	row := func(cs ...discordgo.MessageComponent) discordgo.MessageComponent {
		return discordgo.ActionsRow{Components: cs}
	}
	bad := []struct {
		name string
		send discordgo.MessageSend
		want string
	}{
		{"11 embeds", discordgo.MessageSend{Embeds: slices.Repeat([]*discordgo.MessageEmbed{{Title: "t"}}, 11)}, "embeds"},
		{"title", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Title: strings.Repeat("t", 257)}}}, "embeds.0.title"},
		{"description", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Description: strings.Repeat("d", 4097)}}}, "embeds.0.description"},
		{"26 fields", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Fields: slices.Repeat([]*discordgo.MessageEmbedField{{Name: "n", Value: "v"}}, 26)}}}, "embeds.0.fields"},
		{"field value", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Fields: []*discordgo.MessageEmbedField{{Name: "n", Value: strings.Repeat("v", 1025)}}}}}, "embeds.0.fields.0.value"},
		{"footer", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Footer: &discordgo.MessageEmbedFooter{Text: strings.Repeat("f", 2049)}}}}, "embeds.0.footer.text"},
		{"total 6000", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Description: strings.Repeat("d", 4000)}, {Description: strings.Repeat("d", 2001)}}}, "Embed size exceeds"},
		{"6 rows", discordgo.MessageSend{Components: []discordgo.MessageComponent{row(btn("1")), row(btn("2")), row(btn("3")), row(btn("4")), row(btn("5")), row(btn("6"))}}, "components:"},
		{"6 buttons", discordgo.MessageSend{Components: []discordgo.MessageComponent{row(btn("1"), btn("2"), btn("3"), btn("4"), btn("5"), btn("6"))}}, "components.0.components:"},
		{"label", discordgo.MessageSend{Components: []discordgo.MessageComponent{row(discordgo.Button{Label: strings.Repeat("l", 81), CustomID: "x"})}}, "label"},
		{"custom_id", discordgo.MessageSend{Components: []discordgo.MessageComponent{row(btn(strings.Repeat("c", 101)))}}, "custom_id"},
		{"duplicate custom_id", discordgo.MessageSend{Components: []discordgo.MessageComponent{row(btn("same")), row(btn("same"))}}, "COMPONENT_CUSTOM_ID_DUPLICATED"},
		{"26 options", discordgo.MessageSend{Components: []discordgo.MessageComponent{row(discordgo.SelectMenu{CustomID: "s",
			Options: slices.Repeat([]discordgo.SelectMenuOption{{Label: "l", Value: "v"}}, 26)})}}, "options"},
		{"option value", discordgo.MessageSend{Components: []discordgo.MessageComponent{row(discordgo.SelectMenu{CustomID: "s",
			Options: []discordgo.SelectMenuOption{{Label: "l", Value: strings.Repeat("v", 101)}}})}}, "options.0.value"},
	}
	for _, tc := range bad {
		before := len(srv.Violations())
		tc.send.AllowedMentions = allowNone()
		_, err := dg.ChannelMessageSendComplex(ch, &tc.send)
		if restCode(t, err) != 50035 {
			t.Errorf("%s: err %v", tc.name, err)
		}
		v := srv.Violations()[before:]
		if len(v) == 0 || !strings.Contains(strings.Join(v, "\n"), tc.want) {
			t.Errorf("%s: violations %v, want one about %q", tc.name, v, tc.want)
		}
	}

	// A modal over Discord's limits.
	dg2 := newSession(t, srv)
	got := make(chan *discordgo.InteractionCreate, 1)
	dg2.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { got <- i })
	open(t, dg2)
	srv.Dispatch(t, "INTERACTION_CREATE", fakediscord.SlashCommand(fakediscord.Invoker{UserID: "4"}, "3", "escalate"))
	ic := recv(t, got)
	err = dg2.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: "m", Title: strings.Repeat("T", 46),
		Components: []discordgo.MessageComponent{row(discordgo.TextInput{CustomID: "r", Label: strings.Repeat("L", 46), Style: discordgo.TextInputShort})},
	}})
	if restCode(t, err) != 50035 {
		t.Errorf("modal: %v", err)
	}
	joined := strings.Join(srv.Violations(), "\n")
	if !strings.Contains(joined, "data.title") || !strings.Contains(joined, "data.components.0.components.0.label") {
		t.Errorf("modal violations: %s", joined)
	}

	// Unknown route, missing auth.
	before := len(srv.Violations())
	if _, err := dg.Request("GET", discordgo.EndpointAPI+"no/such/route", nil); restCode(t, err) != 0 {
		t.Errorf("unknown route: %v", err)
	}
	anon := &http.Client{Transport: srv.Transport()}
	resp, err := anon.Get("https://discord.com/api/v10/users/@me")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no auth: %d", resp.StatusCode)
	}
	if v := srv.Violations()[before:]; len(v) != 2 || !strings.Contains(v[0], "unknown route") || !strings.Contains(v[1], "Authorization") {
		t.Errorf("violations = %v", v)
	}
	if _, err := anon.Get("https://example.com/"); err == nil {
		t.Error("Transport let a request to a non-Discord host through")
	}
}

func TestRateLimitAndFailures(t *testing.T) {
	t.Parallel()
	srv := fakediscord.New(t)
	dg := newSession(t, srv)
	var mu sync.Mutex
	var limited []*discordgo.RateLimit
	dg.AddHandler(func(_ *discordgo.Session, rl *discordgo.RateLimit) {
		mu.Lock()
		limited = append(limited, rl)
		mu.Unlock()
	})

	srv.FailNext("POST /api/v10/channels/", 1, http.StatusTooManyRequests, 0.5)
	start := time.Now()
	m, err := dg.ChannelMessageSendComplex("300000000000000001", &discordgo.MessageSend{Content: "retry me", AllowedMentions: allowNone()})
	elapsed := time.Since(start)
	if err != nil || m.Content != "retry me" {
		t.Fatalf("send after 429 = %+v, %v", m, err)
	}
	if elapsed < 500*time.Millisecond {
		t.Errorf("discordgo retried after %v, before retry_after", elapsed)
	}
	calls := srv.Calls("POST /channels/")
	if len(calls) != 2 || calls[0].Status != 429 || calls[1].Status != 200 {
		t.Errorf("calls = %v", calls)
	}
	if len(srv.Messages("300000000000000001")) != 1 {
		t.Errorf("the 429 must have no effect")
	}
	deadline := time.Now().Add(wait)
	for {
		mu.Lock()
		n := len(limited)
		mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("RateLimit events = %d, want 1", n)
		}
		time.Sleep(10 * time.Millisecond)
	}

	// 500 is returned to the caller, not retried.
	srv.FailNext("GET /users/@me", 1, http.StatusInternalServerError, 0)
	if _, err := dg.User("@me"); err == nil {
		t.Error("500 not reported")
	} else {
		var re *discordgo.RESTError
		if !errors.As(err, &re) || re.Response.StatusCode != 500 {
			t.Errorf("500: %v", err)
		}
	}
	// 502 is retried by discordgo.
	srv.FailNext("GET /users/@me", 2, http.StatusBadGateway, 0)
	if _, err := dg.User("@me"); err != nil {
		t.Errorf("502 then 502 then 200: %v", err)
	}
	if n := len(srv.Calls("GET /users/@me$")); n != 4 {
		t.Errorf("GET /users/@me calls = %d, want 4", n)
	}

	srv.Delay("GET /users/@me", 300*time.Millisecond)
	start = time.Now()
	if _, err := dg.User("@me"); err != nil || time.Since(start) < 300*time.Millisecond {
		t.Errorf("delayed call: %v after %v", err, time.Since(start))
	}
	srv.AssertNoViolations(t)
}

func TestReconnectAndResume(t *testing.T) {
	t.Parallel()
	srv := fakediscord.New(t)
	dg := newSession(t, srv)
	var mu sync.Mutex
	var seen []string
	arrived := make(chan struct{}, 64)
	dg.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) {
		mu.Lock()
		seen = append(seen, m.ID)
		mu.Unlock()
		arrived <- struct{}{}
	})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("gateway: identifies %+v resumes %+v", srv.Identifies(), srv.Resumes())
			for _, e := range srv.Dispatched() {
				t.Logf("gateway: session %s seq %d %s", e.SessionID, e.Seq, e.Type)
			}
		}
	})
	resumed := make(chan struct{}, 8)
	dg.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) { resumed <- struct{}{} })
	open(t, dg)
	sessionID := srv.SessionID()

	send := func(id string) int64 {
		return srv.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate(id, "300000000000000001", "", "400000000000000001", "alice", "msg "+id))
	}
	send("1")
	send("2")
	last := send("3")
	for range 3 {
		recv(t, arrived)
	}

	// op 7 RECONNECT → RESUME with the last seq; an event sent meanwhile arrives after.
	srv.Reconnect(t)
	missed := send("4")
	rs := srv.WaitResumes(t, 1, wait)
	if rs[0].SessionID != sessionID || rs[0].Seq != last || !rs[0].OK {
		t.Errorf("resume = %+v, want session %s seq %d", rs[0], sessionID, last)
	}
	recv(t, resumed)
	recv(t, arrived)
	srv.WaitReady(t, wait)

	// Abrupt drop, with two events re-delivered on resume.
	srv.ReplayOnResume(2)
	srv.DropConnection(t)
	rs = srv.WaitResumes(t, 2, wait)
	if r := rs[len(rs)-1]; r.SessionID != sessionID || r.Seq <= missed || !r.OK {
		t.Errorf("resume after drop = %+v (missed seq %d)", r, missed)
	}
	recv(t, arrived)
	recv(t, arrived)
	recv(t, resumed)
	mu.Lock()
	got := slices.Clone(seen)
	mu.Unlock()
	slices.Sort(got) // discordgo runs handlers in goroutines: order is not guaranteed
	if want := []string{"1", "2", "3", "3", "4", "4"}; !slices.Equal(got, want) {
		t.Errorf("seen = %v, want %v (3 and 4 replayed)", got, want)
	}
	if n := len(srv.Identifies()); n != 1 {
		t.Errorf("identifies = %d: the client re-identified instead of resuming", n)
	}
	if seq := send("5"); seq == 0 {
		t.Error("dispatch after resume failed")
	}
	recv(t, arrived)
}

func TestHeartbeatsAcked(t *testing.T) {
	t.Parallel()
	srv := fakediscord.New(t)
	srv.SetHeartbeatInterval(100 * time.Millisecond)
	dg := newSession(t, srv)
	start := time.Now()
	open(t, dg)
	srv.WaitHeartbeats(t, 4, wait)
	time.Sleep(50 * time.Millisecond)
	dg.RLock()
	ack := dg.LastHeartbeatAck
	dg.RUnlock()
	if ack.Sub(start) < 250*time.Millisecond {
		t.Errorf("last heartbeat ack at +%v; want acks to later heartbeats", ack.Sub(start))
	}
	if n := len(srv.Resumes()) + len(srv.Identifies()); n != 1 {
		t.Errorf("the client reconnected (%d handshakes): heartbeats not acked?", n)
	}
}

func TestApplicationCommandBulkOverwrite(t *testing.T) {
	t.Parallel()
	srv := fakediscord.New(t)
	dg := newSession(t, srv)
	cmds := []*discordgo.ApplicationCommand{
		{Name: "escalate", Description: "Escalate an incident", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "open", Description: "Open one", Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "summary", Description: "What broke", Required: true},
			}},
		}},
		{Name: "Escalate this", Type: discordgo.MessageApplicationCommand},
	}
	out, err := dg.ApplicationCommandBulkOverwrite(fakediscord.ApplicationID, "", cmds)
	if err != nil || len(out) != 2 || out[0].ID == "" || out[0].ApplicationID != fakediscord.ApplicationID || out[1].Type != discordgo.MessageApplicationCommand {
		t.Fatalf("overwrite = %+v, %v", out, err)
	}
	calls := srv.Calls("PUT /api/v10/applications/" + fakediscord.ApplicationID + "/commands")
	if len(calls) != 1 {
		t.Errorf("PUT calls = %v", calls)
	}
	again, err := dg.ApplicationCommandBulkOverwrite(fakediscord.ApplicationID, "", cmds)
	if err != nil || again[0].ID != out[0].ID {
		t.Errorf("ids not stable across overwrites: %v / %v (%v)", out[0].ID, again[0].ID, err)
	}
	list, err := dg.ApplicationCommands(fakediscord.ApplicationID, "")
	if err != nil || len(list) != 2 || list[0].Options[0].Options[0].Name != "summary" {
		t.Errorf("GET commands = %+v, %v", list, err)
	}
	if g, err := dg.ApplicationCommandBulkOverwrite(fakediscord.ApplicationID, "200000000000000001", cmds[:1]); err != nil || g[0].GuildID != "200000000000000001" {
		t.Errorf("guild overwrite = %+v, %v", g, err)
	}
	if len(srv.Commands("200000000000000001")) != 1 || len(srv.Commands("")) != 2 {
		t.Error("Commands() does not reflect the overwrites")
	}

	// A dispatched command carries the registered id.
	got := make(chan *discordgo.InteractionCreate, 1)
	dg.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { got <- i })
	open(t, dg)
	srv.Dispatch(t, "INTERACTION_CREATE", fakediscord.SlashCommand(fakediscord.Invoker{UserID: "4"}, "3", "escalate"))
	if id := recv(t, got).ApplicationCommandData().ID; id != out[0].ID {
		t.Errorf("command id = %s, want %s", id, out[0].ID)
	}

	srv.AssertNoViolations(t)
	_, err = dg.ApplicationCommandBulkOverwrite(fakediscord.ApplicationID, "", []*discordgo.ApplicationCommand{{Name: "Bad Name", Description: "x"}})
	if restCode(t, err) != 50035 || len(srv.Violations()) == 0 {
		t.Errorf("invalid name accepted: %v", err)
	}
}

// The builders' payloads decode into discordgo's structs without error.
func TestPayloadsDecodeStrictly(t *testing.T) {
	t.Parallel()
	inv := fakediscord.Invoker{UserID: "4", Username: "u", GuildID: "2", Roles: []string{"5"}}
	payloads := map[string]any{
		"message":   fakediscord.MessageCreate("", "3", "2", "4", "u", "<@1> <@&5>"),
		"slash":     fakediscord.SlashCommand(inv, "3", "x", fakediscord.SubCommandGroup("g", fakediscord.SubCommand("s", fakediscord.RoleOption("r", "5"), fakediscord.ChannelOption("c", "3"), fakediscord.NumberOption("n", 1.5)))),
		"button":    fakediscord.ButtonClick(inv, "3", "6", "b"),
		"select":    fakediscord.SelectMenu(inv, "3", "6", "s", "a"),
		"modal":     fakediscord.ModalSubmit(inv, "3", "m", fakediscord.TextField{CustomID: "t", Value: "v"}),
		"msgcmd":    fakediscord.MessageCommand(inv, "3", "x", fakediscord.MessageCreate("", "3", "2", "4", "u", "c")),
		"usercmd":   fakediscord.UserCommand(inv, "3", "x", "7"),
		"dm button": fakediscord.ButtonClick(fakediscord.Invoker{UserID: "4"}, "3", "6", "b"),
	}
	for name, p := range payloads {
		raw, _ := json.Marshal(p)
		var err error
		if name == "message" {
			err = json.Unmarshal(raw, new(discordgo.MessageCreate))
		} else {
			var ic discordgo.InteractionCreate
			err = json.Unmarshal(raw, &ic)
			if err == nil && ic.Data == nil {
				err = errors.New("no data")
			}
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// DispatchEvent names the session an event went to, also while it is queued for a resume;
// Connected follows the connection without failing the test; MessagesFrom returns only what a
// reader has not seen.
func TestDispatchEventConnectedMessagesFrom(t *testing.T) {
	t.Parallel()
	srv := fakediscord.New(t)
	srv.SetHeartbeatInterval(100 * time.Millisecond)
	if srv.Connected() {
		t.Fatal("Connected before any client")
	}
	dg := newSession(t, srv)
	dg.Identify.Intents = discordgo.IntentsDirectMessages
	arrived := make(chan string, 16)
	dg.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { arrived <- m.ID })
	open(t, dg)
	srv.WaitReady(t, wait)
	if !srv.Connected() {
		t.Fatal("not Connected after WaitReady")
	}
	first := srv.SessionID()
	const dm, user = "500000000000000001", "400000000000000001"
	msg := func(id string) map[string]any { return fakediscord.MessageCreate(id, dm, "", user, "alice", "msg "+id) }

	ev := srv.DispatchEvent(t, "MESSAGE_CREATE", msg("11"))
	if ev.SessionID != first || ev.Seq < 2 || ev.Type != "MESSAGE_CREATE" || !strings.Contains(string(ev.Data), `"id":"11"`) {
		t.Errorf("DispatchEvent = %+v, want session %s", ev, first)
	}
	if got := recv(t, arrived); got != "11" {
		t.Errorf("arrived %s, want 11", got)
	}
	listed := srv.Dispatched()
	if last := listed[len(listed)-1]; last.SessionID != ev.SessionID || last.Seq != ev.Seq {
		t.Errorf("Dispatched ends with %+v, DispatchEvent said %+v", last, ev)
	}
	// A guild message without the GUILD_MESSAGES intent is not delivered: the zero Event.
	if ev := srv.DispatchEvent(t, "MESSAGE_CREATE", fakediscord.MessageCreate("", "300000000000000002", "200000000000000001", user, "alice", "x")); ev.SessionID != "" || ev.Seq != 0 || ev.Data != nil {
		t.Errorf("undelivered event = %+v, want the zero Event", ev)
	}

	// Dropped: not Connected; an event dispatched meanwhile is queued in the same session and
	// arrives with the resume.
	srv.DropConnection(t)
	if srv.Connected() {
		t.Error("Connected right after DropConnection")
	}
	if ev := srv.DispatchEvent(t, "MESSAGE_CREATE", msg("12")); ev.SessionID != first {
		t.Errorf("event queued during the drop went to session %s, want %s", ev.SessionID, first)
	}
	// discordgo resumes on its own after a drop (ShouldReconnectOnError defaults to true).
	srv.WaitReady(t, wait)
	if got := recv(t, arrived); got != "12" {
		t.Errorf("arrived %s after the resume, want 12", got)
	}
	if !srv.Connected() || srv.SessionID() != first {
		t.Errorf("after the resume: Connected %v, session %s (want %s)", srv.Connected(), srv.SessionID(), first)
	}

	// MessagesFrom: the DM holds 11 and 12 (and no message of another channel).
	if got := srv.MessagesFrom(dm, 0); len(got) != 2 {
		t.Fatalf("MessagesFrom(0) = %d messages, want 2", len(got))
	}
	got := srv.MessagesFrom(dm, 1)
	if len(got) != 1 || !strings.Contains(string(got[0]), `"id":"12"`) {
		t.Errorf("MessagesFrom(1) = %s, want message 12 only", got)
	}
	if got := srv.MessagesFrom(dm, 2); len(got) != 0 {
		t.Errorf("MessagesFrom(2) = %s, want none", got)
	}
	if all := srv.Messages(dm); len(all) != 2 || string(all[1]) != string(srv.MessagesFrom(dm, 1)[0]) {
		t.Errorf("Messages and MessagesFrom disagree: %s", all)
	}

	dg.Close()
	if !srv.Connected() {
		return
	}
	deadline := time.Now().Add(wait)
	for srv.Connected() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if srv.Connected() {
		t.Error("still Connected after the client closed")
	}
	srv.AssertNoViolations(t)
}

// A message created with enforce_nonce and the nonce of an earlier one returns the earlier one
// and creates nothing; without enforce_nonce, or with another nonce, a message is created. A
// nonce over 25 characters is refused.
func TestEnforceNonce(t *testing.T) {
	t.Parallel()
	srv := fakediscord.New(t)
	dg := newSession(t, srv)
	const channel = "300000000000000001"
	send := func(body map[string]any) (*discordgo.Message, error) {
		body["allowed_mentions"] = map[string]any{"parse": []string{}}
		raw, err := dg.RequestWithBucketID("POST", discordgo.EndpointChannelMessages(channel), body, discordgo.EndpointChannelMessages(channel))
		if err != nil {
			return nil, err
		}
		var m discordgo.Message
		return &m, json.Unmarshal(raw, &m)
	}
	first, err := send(map[string]any{"content": "one", "nonce": "event-1.0", "enforce_nonce": true})
	if err != nil {
		t.Fatal(err)
	}
	again, err := send(map[string]any{"content": "one", "nonce": "event-1.0", "enforce_nonce": true})
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID {
		t.Errorf("the same nonce with enforce_nonce created message %s, want %s returned", again.ID, first.ID)
	}
	other, err := send(map[string]any{"content": "two", "nonce": "event-1.1", "enforce_nonce": true})
	if err != nil || other.ID == first.ID {
		t.Errorf("another nonce: %v, %v", other, err)
	}
	unenforced, err := send(map[string]any{"content": "one", "nonce": "event-1.0"})
	if err != nil || unenforced.ID == first.ID {
		t.Errorf("the same nonce without enforce_nonce: %v, %v", unenforced, err)
	}
	if got := len(srv.Messages(channel)); got != 3 {
		t.Errorf("%d messages in the channel, want 3", got)
	}
	srv.AssertNoViolations(t)

	if _, err := send(map[string]any{"content": "x", "nonce": strings.Repeat("n", 26), "enforce_nonce": true}); restCode(t, err) != 50035 {
		t.Errorf("a 26-character nonce: %v", err)
	}
	if v := srv.Violations(); len(v) != 1 || !strings.Contains(v[0], "nonce") {
		t.Errorf("violations = %q, want the long nonce", v)
	}
}

// get fetches url through the stand-in's transport, as a client fetching from Discord's CDN
// would, and returns the status and body.
func get(t *testing.T, srv *fakediscord.Server, url string, header http.Header) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := (&http.Client{Transport: srv.Transport(), Timeout: wait}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	return res.StatusCode, b.Bytes()
}

// A user's attachment arrives with MESSAGE_CREATE and is served by the CDN path; the bot's
// own upload (payload_json and files[0], with a nonce) is kept, served at its cdn.discordapp.com
// link, returned again for the same nonce, and leaves the message and the CDN when an edit
// keeps no attachment. CDN requests are recorded, take FailNext rules, and must carry no token.
func TestAttachmentsAndCDN(t *testing.T) {
	srv := fakediscord.New(t)
	dg := newSession(t, srv)
	got := make(chan *discordgo.MessageCreate, 1)
	dg.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m })
	dg.Identify.Intents = discordgo.IntentsDirectMessages
	open(t, dg)

	photo := []byte("\x89PNG\r\n\x1a\nphoto")
	att := srv.HostAttachment("dash light.png", "image/png", photo)
	msg := fakediscord.MessageCreate("", "500000000000000001", "", "400000000000000001", "alice", "")
	msg["attachments"] = []any{att}
	srv.Dispatch(t, "MESSAGE_CREATE", msg)
	m := recv(t, got)
	if len(m.Attachments) != 1 || m.Attachments[0].Size != len(photo) || m.Attachments[0].ContentType != "image/png" {
		t.Fatalf("attachments dispatched: %+v", m.Attachments)
	}
	srv.FailNext("GET /attachments/", 1, http.StatusInternalServerError, 0)
	if status, _ := get(t, srv, m.Attachments[0].URL, nil); status != http.StatusInternalServerError {
		t.Errorf("first download: %d, want the 500 asked for", status)
	}
	if status, body := get(t, srv, m.Attachments[0].URL, nil); status != http.StatusOK || !bytes.Equal(body, photo) {
		t.Errorf("second download: %d %q", status, body)
	}
	if d := srv.Downloads(m.Attachments[0].ID); len(d) != 2 || d[0].Status != 500 || d[1].Status != 200 {
		t.Errorf("downloads = %v", d)
	}
	if status, _ := get(t, srv, srv.URL+"/attachments/0/1/none.png", nil); status != http.StatusNotFound {
		t.Errorf("an unknown attachment: %d", status)
	}
	if len(srv.Violations()) != 0 {
		t.Fatalf("violations: %v", srv.Violations())
	}
	get(t, srv, m.Attachments[0].URL, http.Header{"Authorization": {"Bot test-token"}})
	if v := srv.Violations(); len(v) != 1 || !strings.Contains(v[0], "token was sent to the CDN") {
		t.Errorf("violations after a download with a token: %v", v)
	}

	// The bot uploads a file with a nonce, twice: one message.
	thread := "300000000000000009"
	send := func() *discordgo.Message {
		body := struct {
			*discordgo.MessageSend
			Nonce        string `json:"nonce"`
			EnforceNonce bool   `json:"enforce_nonce"`
		}{&discordgo.MessageSend{Content: "sent a photo", AllowedMentions: allowNone()}, "n1", true}
		files := []*discordgo.File{{Name: "dash.png", ContentType: "image/png", Reader: bytes.NewReader(photo)}}
		ct, data, err := discordgo.MultipartBodyWithJSON(body, files)
		if err != nil {
			t.Fatal(err)
		}
		endpoint := discordgo.EndpointChannelMessages(thread)
		raw, err := dg.RequestRaw("POST", endpoint, ct, data, endpoint, 0)
		if err != nil {
			t.Fatal(err)
		}
		var sent discordgo.Message
		if err := json.Unmarshal(raw, &sent); err != nil {
			t.Fatal(err)
		}
		return &sent
	}
	first, second := send(), send()
	files := srv.WaitAttachments(t, thread, 1, wait)
	if first.ID != second.ID || len(files) != 1 || files[0].ID != first.Attachments[0].ID || !bytes.Equal(files[0].Data, photo) {
		t.Fatalf("uploads: %s and %s, files %+v", first.ID, second.ID, files)
	}
	if !strings.HasPrefix(first.Attachments[0].URL, "https://cdn.discordapp.com/attachments/"+thread+"/") {
		t.Errorf("url = %s", first.Attachments[0].URL)
	}
	if status, body := get(t, srv, first.Attachments[0].URL, nil); status != http.StatusOK || !bytes.Equal(body, photo) {
		t.Errorf("the bot's upload from the CDN: %d %q", status, body)
	}
	edited, err := dg.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: first.ID, Channel: thread, Attachments: &[]*discordgo.MessageAttachment{}, AllowedMentions: allowNone()})
	if err != nil || len(edited.Attachments) != 0 {
		t.Fatalf("edit without attachments: %+v, %v", edited, err)
	}
	if n := len(srv.Attachments(thread)); n != 0 {
		t.Errorf("%d files kept after the edit", n)
	}
	if status, _ := get(t, srv, first.Attachments[0].URL, nil); status != http.StatusNotFound {
		t.Errorf("a removed attachment from the CDN: %d", status)
	}
}
