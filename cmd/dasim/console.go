package main

import (
	_ "embed"
	"html/template"
	"net/http"

	"github.com/wipo-das/dasim/simulators/faults"
)

// The live console is one page and one script, embedded: it works offline
// and loads nothing from elsewhere. The page holds no data; the script
// reads the admin token from the URL fragment (#token=..., never sent to
// the server) or asks for it, and sends it with every request.
var (
	//go:embed console.html
	consolePage string
	consoleHTML = template.Must(template.New("console").Parse(consolePage))
	//go:embed console.js
	consoleScript []byte
)

func serveConsole(rw http.ResponseWriter, _ *http.Request) {
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' blob:; style-src 'unsafe-inline'")
	_ = consoleHTML.Execute(rw, map[string]any{"Kinds": faults.Kinds()})
}

func serveConsoleScript(rw http.ResponseWriter, _ *http.Request) {
	rw.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	_, _ = rw.Write(consoleScript)
}
