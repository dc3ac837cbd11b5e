package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"

	"escalation-bot/bot"
)

//go:embed assets
var assets embed.FS

// staticFS serves assets/static under /static/.
var staticFS = mustSub(assets, "assets")

var pageTemplate = template.Must(template.ParseFS(assets, "assets/index.html"))

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // the directory is embedded at build time; failing here is a build mistake
	}
	return sub
}

// pageData is what the page template shows before any script runs.
type pageData struct {
	Prefix   string
	Commands []commandHelp
	Channels []string
}

type commandHelp struct {
	Usage string
	Help  string
}

func (p *Playground) page(w http.ResponseWriter, r *http.Request) {
	data := pageData{Prefix: bot.CommandPrefix, Channels: p.svc.Channels()}
	for _, c := range p.svc.Commands() {
		data.Commands = append(data.Commands, commandHelp{Usage: bot.CommandPrefix + " " + c.Usage(), Help: c.Help})
	}
	// Rendered into a buffer so a template error is a clean 500, not half a page.
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, data); err != nil {
		p.log.ErrorContext(r.Context(), "render playground page", "err", err)
		http.Error(w, "Sorry, the page could not be rendered.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(buf.Bytes())
}
