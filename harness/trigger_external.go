package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// CommandTrigger runs an operator's command for each action (dasim certify
// --trigger CMD), with sh -c and the action in the environment variables
// that ActionEnv lists (docs/certify-off.md). A non-zero exit is the
// trigger's failure; its output is kept, bounded, for the message.
type CommandTrigger struct {
	Command string
	// Timeout bounds one run of the command; default 1 minute.
	Timeout time.Duration
}

// Ask runs the command.
func (t CommandTrigger) Ask(ctx context.Context, a Action) error {
	timeout := t.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", t.Command)
	cmd.Env = append(os.Environ(), ActionEnv(a)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &limited{w: &out, n: 4096}, &limited{w: &out, n: 4096}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("trigger command %q for %s: %w: %s", t.Command, a.Kind, err, strings.TrimSpace(out.String()))
	}
	return nil
}

// ActionEnv is the action as environment variables for a trigger command.
func ActionEnv(a Action) []string {
	d := a.Document
	return []string{
		"DASIM_ACTION=" + string(a.Kind),
		"DASIM_OFFICE=" + a.Office,
		"DASIM_DOCUMENT_KIND=" + kindOr(d.Kind),
		"DASIM_DOCUMENT_NUMBER=" + d.Number,
		"DASIM_DOCUMENT_DATE=" + d.FilingDate,
		"DASIM_ACCESS_CODE=" + d.AccessCode,
		"DASIM_NEW_FILING_DATE=" + a.FilingDate,
		"DASIM_NEW_APPLICATION_NUMBER=" + a.ApplicationNumber,
		"DASIM_NEW_APPLICATION_FILING_DATE=" + a.ApplicationFilingDate,
		"DASIM_NEW_CONTENT_FILE=" + a.ContentFile,
		"DASIM_NEW_CONTENT_SHA256=" + sha256Or(a.Content),
		"DASIM_DEADLINE=" + a.Deadline.UTC().Format(time.RFC3339),
		"DASIM_DESCRIPTION=" + a.Describe(),
	}
}

func sha256Or(b []byte) string {
	if b == nil {
		return ""
	}
	return SHA256(b)
}

// WebhookTrigger POSTs each action as JSON (ActionBody) to URL (dasim
// certify --trigger-url); any 2xx answer means the office took it.
type WebhookTrigger struct {
	URL    string
	Client *http.Client
}

// ActionBody is the JSON a webhook trigger receives.
type ActionBody struct {
	Action      ActionKind    `json:"action"`
	Office      string        `json:"office"`
	Document    ActionDoc     `json:"document"`
	New         ActionChanges `json:"new"`
	Deadline    string        `json:"deadline"`
	Description string        `json:"description"`
}

// ActionDoc is the document as registered now.
type ActionDoc struct {
	Kind       string `json:"documentKindCategory"`
	Number     string `json:"documentNumber"`
	Date       string `json:"documentDate"`
	AccessCode string `json:"dasAccessCode"`
}

// ActionChanges are the new values of the action; empty ones are absent.
type ActionChanges struct {
	FilingDate            string `json:"documentDate,omitempty"`
	ApplicationNumber     string `json:"applicationNumber,omitempty"`
	ApplicationFilingDate string `json:"applicationFilingDate,omitempty"`
	Content               []byte `json:"contentBase64,omitempty"`
	ContentSHA256         string `json:"contentSha256,omitempty"`
	ContentFile           string `json:"contentFile,omitempty"`
}

// Body is a's webhook body.
func (a Action) Body() ActionBody {
	d := a.Document
	return ActionBody{Action: a.Kind, Office: a.Office, Deadline: a.Deadline.UTC().Format(time.RFC3339), Description: a.Describe(),
		Document: ActionDoc{Kind: kindOr(d.Kind), Number: d.Number, Date: d.FilingDate, AccessCode: d.AccessCode},
		New: ActionChanges{FilingDate: a.FilingDate, ApplicationNumber: a.ApplicationNumber, ApplicationFilingDate: a.ApplicationFilingDate,
			Content: a.Content, ContentSHA256: sha256Or(a.Content), ContentFile: a.ContentFile}}
}

// Ask posts the action.
func (t WebhookTrigger) Ask(ctx context.Context, a Action) error {
	b, err := json.Marshal(a.Body())
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("trigger URL %q: %w", t.URL, err)
	}
	req.Header.Set("Content-Type", "application/json")
	c := t.Client
	if c == nil {
		c = http.DefaultClient
	}
	res, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("trigger URL %s for %s: %w", t.URL, a.Kind, err)
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(res.Body, 2048))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("trigger URL %s for %s answered HTTP %d: %s", t.URL, a.Kind, res.StatusCode, strings.TrimSpace(string(msg)))
	}
	return nil
}

// PromptTrigger asks the operator on a terminal: it prints the action and
// returns; the harness then waits for the effect until the deadline.
type PromptTrigger struct{ Out io.Writer }

// Ask prints the action.
func (t PromptTrigger) Ask(_ context.Context, a Action) error {
	_, err := fmt.Fprintf(t.Out, "\n>>> %s\n", a.Describe())
	return err
}

// limited writes at most n bytes to w and drops the rest.
type limited struct {
	w io.Writer
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	k := min(len(p), l.n)
	if k > 0 {
		if _, err := l.w.Write(p[:k]); err != nil {
			return 0, err
		}
		l.n -= k
	}
	return len(p), nil
}
