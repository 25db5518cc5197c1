package reports

import (
	"fmt"
	"html"
	"strconv"
	"strings"
)

// Geometry of a sequence diagram, in SVG user units.
const (
	seqLaneWidth = 170
	seqTimeWidth = 70
	seqRowHeight = 26
	seqHeadLine  = 15
	seqMaxLabel  = 34
)

// SequenceSVG draws calls as a sequence diagram: a lifeline per party
// (authorization server, DAS, OFF, OSF, PCT DAS, object store), an arrow
// per call with its world-clock time, operation, status and retrieval
// (R1, R2, … as correlated by request ack id, with a legend), contract
// faults in orange and the call numbered mark (0: none) in red. The SVG is
// self-contained: no script, no link, no external font.
func SequenceSVG(calls []Call, mark int) string {
	lanes := lifelines(calls)
	x := map[string]int{}
	for i, l := range lanes {
		x[l.Party] = seqTimeWidth + i*seqLaneWidth + seqLaneWidth/2
	}
	groups := Retrievals(calls)
	groupOf := map[int]int{}
	for gi, g := range groups {
		for _, seq := range g.Calls {
			if _, taken := groupOf[seq]; !taken {
				groupOf[seq] = gi + 1
			}
		}
	}
	var legend []string
	for gi, g := range groups {
		text := fmt.Sprintf("R%d: request ack id %s (OSF ⇄ DAS)", gi+1, g.Ack)
		if len(g.Linked) > 0 {
			text += " · " + strings.Join(g.Linked, ", ") + " (DAS ⇄ OFF / PCT DAS)"
		}
		legend = append(legend, text)
	}
	top := 10 + len(legend)*seqHeadLine + 44
	width := seqTimeWidth + len(lanes)*seqLaneWidth + 10
	for _, l := range legend {
		width = max(width, 16+len([]rune(l))*6) // about 6 units per character at font-size 11
	}
	height := top + len(calls)*seqRowHeight + 20

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="sequence" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`,
		width, height, width, height)
	b.WriteString(`<defs>`)
	for _, m := range []struct{ id, colour string }{{"ok", "#444"}, {"fault", "#d97706"}, {"mark", "#cf222e"}} {
		fmt.Fprintf(&b, `<marker id="arrow-%s" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="%s"/></marker>`, m.id, m.colour)
	}
	b.WriteString(`</defs><rect width="100%" height="100%" fill="#fff"/>`)
	for i, text := range legend {
		fmt.Fprintf(&b, `<text x="8" y="%d" fill="#555">%s</text>`, 20+i*seqHeadLine, esc(text))
	}
	head := top - 34
	for _, l := range lanes {
		cx := x[l.Party]
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="30" rx="4" fill="#eef2f7" stroke="#8a99ad"/>`, cx-seqLaneWidth/2+6, head, seqLaneWidth-12)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-weight="bold">%s</text>`, cx, head+13, esc(l.Title))
		if l.Name != "" {
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#555">%s</text>`, cx, head+25, esc(l.Name))
		}
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#b8c2cf" stroke-dasharray="4 3"/>`, cx, top-4, cx, height-8)
	}
	for i, c := range calls {
		y := top + i*seqRowHeight + 18
		style, colour, weight := "ok", "#444", "1.2"
		switch {
		case c.Seq == mark:
			style, colour, weight = "mark", "#cf222e", "2.6"
		case c.Failed():
			style, colour = "fault", "#d97706"
		}
		if c.Seq == mark {
			fmt.Fprintf(&b, `<rect x="0" y="%d" width="%d" height="%d" fill="#ffebe9"/>`, y-16, width, seqRowHeight-2)
		}
		at := ""
		if !c.At.IsZero() {
			at = c.At.UTC().Format("15:04:05")
		}
		fmt.Fprintf(&b, `<text x="6" y="%d" fill="#777">%d %s</text>`, y+4, c.Seq, at)
		label := callLabel(c, groupOf[c.Seq])
		if c.Seq == mark {
			label = "✗ " + label
		}
		x1, x2 := x[c.From], x[c.To]
		dash := ""
		if c.TransportError != "" {
			dash = ` stroke-dasharray="5 3"`
		}
		if x1 == x2 {
			fmt.Fprintf(&b, `<path d="M%d,%d h30 v10 h-30" fill="none" stroke="%s" stroke-width="%s"%s marker-end="url(#arrow-%s)"/>`, x1, y-6, colour, weight, dash, style)
			fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%s</text>`, x1+34, y+2, colour, esc(label))
			continue
		}
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="%s"%s marker-end="url(#arrow-%s)"><title>%s</title></line>`,
			x1, y, x2, y, colour, weight, dash, style, esc(c.Method+" "+c.URL))
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="%s">%s</text>`, (x1+x2)/2, y-4, colour, esc(label))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// callLabel is an arrow's text: operation (or method and object), status
// or transport error, and retrieval.
func callLabel(c Call, group int) string {
	op := c.Operation
	if op == "" {
		op = c.Method + " " + lastSegment(c.URL)
		if c.Contract == "s3" {
			op = c.Method + " object"
		}
	}
	label := op + " → " + strconv.Itoa(c.Status)
	if c.TransportError != "" {
		label = op + " ✗ " + c.TransportError
	}
	if group > 0 {
		label += fmt.Sprintf(" [R%d]", group)
	}
	if r := []rune(label); len(r) > seqMaxLabel {
		label = string(r[:seqMaxLabel-1]) + "…"
	}
	return label
}

func lastSegment(u string) string {
	u, _, _ = strings.Cut(u, "?")
	if i := strings.LastIndexByte(strings.TrimSuffix(u, "/"), '/'); i >= 0 {
		return u[i+1:]
	}
	return u
}

func esc(s string) string { return html.EscapeString(s) }
