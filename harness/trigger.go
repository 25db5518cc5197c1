package harness

import (
	"context"
	"fmt"
	"time"

	"github.com/wipo-das/dasim/simulators/office"
)

// ActionKind is something an office of first filing does on its own
// initiative (WIPO DAS exchange flows c.1: corrections, content replacement;
// withdrawal). Certification asks the office under test to do it through a
// Trigger, then watches WIPO DAS for the effect.
type ActionKind string

// The actions a trigger is asked for (docs/certify-off.md lists what each
// asks of the office and what the harness then waits for).
const (
	CorrectFilingDate        ActionKind = "correct-filing-date"
	CorrectParentApplication ActionKind = "correct-parent-application"
	ReplaceContent           ActionKind = "replace-content"
	Withdraw                 ActionKind = "withdraw"
)

// Action is one request to the office: which document, the new values, and
// until when the harness waits for the effect at DAS.
type Action struct {
	Kind     ActionKind
	Office   string
	Document office.Document // as registered now (kind, number, date, access code)
	// FilingDate is the new documentDate (CorrectFilingDate).
	FilingDate string
	// ApplicationNumber and ApplicationFilingDate are the new parent
	// application (CorrectParentApplication).
	ApplicationNumber, ApplicationFilingDate string
	// Content is the new file (ReplaceContent); ContentFile holds the same
	// bytes on disk, for a trigger command.
	Content     []byte
	ContentFile string
	Deadline    time.Time
}

// Describe is the action as an operator reads it.
func (a Action) Describe() string {
	d := a.Document
	var what string
	switch a.Kind {
	case CorrectFilingDate:
		what = fmt.Sprintf("correct the filing date of %s %s from %s to %s (PUT registrations)", d.Kind, d.Number, d.FilingDate, a.FilingDate)
	case CorrectParentApplication:
		what = fmt.Sprintf("correct the parent application of %s %s to %s filed %s (PUT registrations)", d.Kind, d.Number, a.ApplicationNumber, a.ApplicationFilingDate)
	case ReplaceContent:
		what = fmt.Sprintf("replace the content of %s %s with the %d bytes of %s, SHA-256 %s (upload, then PUT registrations with the new fileId)",
			d.Kind, d.Number, len(a.Content), a.ContentFile, SHA256(a.Content))
	case Withdraw:
		what = fmt.Sprintf("withdraw %s %s (DELETE registrations)", d.Kind, d.Number)
	default:
		what = string(a.Kind) + " " + d.Number
	}
	return fmt.Sprintf("office %s: %s now; waiting until %s", a.Office, what, a.Deadline.UTC().Format(time.RFC3339))
}

// Trigger asks the office under test to act (dasim certify --trigger CMD,
// --trigger-url URL, or a prompt on the operator's terminal). Ask returns
// once the request is delivered; the harness then waits for the effect.
type Trigger interface {
	Ask(ctx context.Context, a Action) error
}

// Trigger is how the spec asks off to act on its own initiative: the
// simulated office is told directly; the office under test through the
// run's trigger, or a *Missing saying how to give one.
func (e *Env) Trigger(off OFF) (Trigger, error) {
	if b := e.run.Bindings.OFF; b != nil && b.Office == off.Code() {
		if b.Trigger == nil {
			return nil, &Missing{Capability: "ask the OFF under test to correct, replace or withdraw a registration",
				Reason: "no trigger was given: add dasim certify --trigger CMD (or --trigger-url URL, or run certify on a terminal to be prompted)"}
		}
		return b.Trigger, nil
	}
	o := e.world.Office(off.Code())
	if o == nil {
		return nil, fmt.Errorf("office %s is neither simulated nor bound", off.Code())
	}
	return simulatedTrigger{o}, nil
}

// TriggerWait is how long the harness waits for the effect of an action.
func (e *Env) TriggerWait() time.Duration {
	if b := e.run.Bindings.OFF; b != nil && b.TriggerWait > 0 {
		return b.TriggerWait
	}
	return e.Patience()
}

// simulatedTrigger is the toolkit's own office told directly.
type simulatedTrigger struct{ o *office.Office }

func (t simulatedTrigger) Ask(ctx context.Context, a Action) error {
	d := a.Document
	switch a.Kind {
	case CorrectFilingDate:
		return t.o.Correct(ctx, d.Kind, d.Number, office.Correction{FilingDate: a.FilingDate})
	case CorrectParentApplication:
		return t.o.Correct(ctx, d.Kind, d.Number, office.Correction{ApplicationNumber: a.ApplicationNumber, ApplicationFilingDate: a.ApplicationFilingDate})
	case ReplaceContent:
		return t.o.Correct(ctx, d.Kind, d.Number, office.Correction{Content: a.Content})
	case Withdraw:
		return t.o.Withdraw(ctx, d.Kind, d.Number)
	}
	return fmt.Errorf("unknown action %q", a.Kind)
}
