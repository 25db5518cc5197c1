package pctdas

import (
	"bytes"
	"fmt"
	"math/rand/v2"

	"github.com/wipo-das/dasim/simulators/priority"
)

// DemoConfig describes the deterministic demo set.
type DemoConfig struct {
	Seed  uint64 // default 1
	Count int    // documents; default 12
	Year  int    // filing year of the PCT applications; default 2023
	Size  int    // bytes per document; default 4096
}

// Demo generates count documents from seed: numbers PCT/IB<year>/<6 digits>
// (increasing, unique), a filing date in that year, an access code of four
// upper-case hexadecimal characters, and a PDF-looking body. The same
// configuration gives the same set on every machine.
func Demo(c DemoConfig) ([]priority.Document, error) {
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Count == 0 {
		c.Count = 12
	}
	if c.Year == 0 {
		c.Year = 2023
	}
	if c.Size == 0 {
		c.Size = 4096
	}
	if c.Count < 0 || c.Count > 10000 || c.Year < 1978 || c.Year > 9999 || c.Size < 64 {
		return nil, fmt.Errorf("demo: count %d (0..10000), year %d (1978..9999, PCT began 1978), size %d (>= 64)", c.Count, c.Year, c.Size)
	}
	rng := rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15))
	docs := make([]priority.Document, 0, c.Count)
	serial := 0
	for range c.Count {
		serial += 1 + rng.IntN(90)
		number := fmt.Sprintf("PCT/IB%04d/%06d", c.Year, serial)
		date := fmt.Sprintf("%04d-%02d-%02d", c.Year, 1+rng.IntN(12), 1+rng.IntN(28))
		code := fmt.Sprintf("%04X", rng.IntN(1<<16))
		head := fmt.Sprintf("%%PDF-1.7\n%% WIPO PCT DAS demo priority document %s filed %s\n", number, date)
		body := bytes.NewBufferString(head)
		for body.Len() < c.Size {
			body.WriteByte(byte('a' + rng.IntN(26)))
		}
		docs = append(docs, priority.Document{Kind: "patent", Number: number, FilingDate: date, AccessCode: code,
			Content: body.Bytes()[:c.Size], Hosting: priority.Home})
	}
	return docs, nil
}
