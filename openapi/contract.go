package openapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Contract is a loaded OpenAPI document with its route table.
type Contract struct {
	name      string
	doc       *openapi3.T
	basePaths []string
	routes    map[string]*Route // "METHOD /spec/path"
	paths     map[string][]string
	reqOpts   *openapi3filter.Options
	resOpts   *openapi3filter.Options
	known     knownItems  // array elements of answers already found valid (items.go)
	answers   knownBodies // large answers already found valid (items.go)
	resNoBody *openapi3filter.Options
}

// Route is one operation of the contract.
type Route struct {
	OperationID string
	Method      string
	Path        string // as written in the document, e.g. /files/url-uploads
	// ImplementedBy lists the parties that serve the operation
	// (x-dasim-implemented-by: das, office).
	ImplementedBy []string
	kin           *routers.Route
}

var registerFormats sync.Once

// Load parses and validates an OpenAPI 3.0 document and builds its route
// table. basePaths are the URL path prefixes the operations are served under.
func Load(spec []byte, basePaths ...string) (*Contract, error) {
	registerFormats.Do(registerStrictFormats)
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	if err := doc.Validate(loader.Context, openapi3.EnableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	c := &Contract{doc: doc, basePaths: basePaths,
		routes: map[string]*Route{}, paths: map[string][]string{}}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			r := &Route{OperationID: op.OperationID, Method: method, Path: path,
				ImplementedBy: stringList(op.Extensions["x-dasim-implemented-by"]),
				kin:           &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}}
			c.routes[method+" "+path] = r
			c.paths[path] = append(c.paths[path], method)
		}
	}
	auth := func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
		return checkBearerPresent(in)
	}
	c.reqOpts = &openapi3filter.Options{MultiError: true, SkipSettingDefaults: true, AuthenticationFunc: auth}
	c.resOpts = &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true}
	c.resNoBody = &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true, ExcludeResponseBody: true}
	return c, nil
}

// registerStrictFormats replaces kin-openapi's regexp-only "date" check with a
// calendar check, so 2023-02-30 is refused as a real server's date parser
// would, and its JSON body decoder with decodeJSONBody (stricter, cheaper);
// it adds a decoder for PDF bodies.
// kin-openapi keeps both in package registries; this runs once.
func registerStrictFormats() {
	openapi3filter.RegisterBodyDecoder("application/json", decodeJSONBody)
	// A certificate of registration (GET registrations/certificates) is a
	// binary body: kin-openapi knows application/octet-stream, not PDF.
	openapi3filter.RegisterBodyDecoder("application/pdf", openapi3filter.FileBodyDecoder)
	openapi3.DefineStringFormatValidator("date", openapi3.NewCallbackValidator(func(s string) error {
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return errors.New("not a calendar date YYYY-MM-DD")
		}
		return nil
	}))
}

// Name is the embedded file name of the document (das.yaml, authz.yaml).
func (c *Contract) Name() string { return c.name }

// Doc exposes the parsed document (read-only by convention).
func (c *Contract) Doc() *openapi3.T { return c.doc }

// Routes lists every operation.
func (c *Contract) Routes() []*Route {
	out := make([]*Route, 0, len(c.routes))
	for _, r := range c.routes {
		out = append(out, r)
	}
	return out
}

// RouteError says why a request matched no operation.
type RouteError struct {
	Status  int // 404 unknown path, 405 path known but not the method
	Allowed []string
	Message string
}

func (e *RouteError) Error() string { return e.Message }

// FindRoute maps a request method and URL path to an operation.
func (c *Contract) FindRoute(method, urlPath string) (*Route, error) {
	for _, base := range c.basePaths {
		rest, ok := strings.CutPrefix(urlPath, base)
		if !ok || (rest != "" && rest[0] != '/') {
			continue
		}
		if r := c.routes[method+" "+rest]; r != nil {
			return r, nil
		}
		if methods := c.paths[rest]; methods != nil {
			return nil, &RouteError{Status: http.StatusMethodNotAllowed, Allowed: methods,
				Message: fmt.Sprintf("%s %s: method not allowed, the contract has %s", method, rest, strings.Join(methods, ", "))}
		}
		return nil, &RouteError{Status: http.StatusNotFound,
			Message: fmt.Sprintf("%s %s: no such operation in %s", method, rest, c.name)}
	}
	return nil, &RouteError{Status: http.StatusNotFound,
		Message: fmt.Sprintf("%s %s: path is not under %s", method, urlPath, strings.Join(c.basePaths, " or "))}
}

// ValidateRequest checks r against its operation. body is the request body
// already read by the caller (nil for none); r.Body is left unread.
func (c *Contract) ValidateRequest(ctx context.Context, r *http.Request, body []byte) (*Route, []Violation) {
	route, err := c.FindRoute(r.Method, r.URL.Path)
	if err != nil {
		return nil, []Violation{routeViolation(r, err)}
	}
	if vs := queryEncodingViolations(route.OperationID, r.URL.RawQuery); len(vs) > 0 {
		return route, vs
	}
	saved := r.Body
	r.Body = io.NopCloser(bytes.NewReader(body))
	defer func() { r.Body = saved }()
	in := &openapi3filter.RequestValidationInput{Request: r, Route: route.kin, Options: c.reqOpts}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		return route, convert(route.OperationID, sideRequest, err, body)
	}
	return route, nil
}

// ValidateResponse checks a response to a request of route.
func (c *Contract) ValidateResponse(ctx context.Context, route *Route, r *http.Request, status int, header http.Header, body []byte) []Violation {
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, Route: route.kin, Options: c.reqOpts},
		Status:                 status, Header: header, Options: c.resOpts,
	}
	check := body
	var plan *itemPlan
	var digest answerDigest
	large := len(body) >= minItemsBody
	if large {
		digest = c.answers.digest(route.OperationID, status, header.Get("Content-Type"), body)
		if c.answers.has(digest) {
			in.Options = c.resNoBody
		} else if plan = c.planItems(route, status, header, body); plan != nil {
			check = plan.reduced
		}
	}
	in.SetBodyBytes(check)
	var out []Violation
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		out = convert(route.OperationID, sideResponse, err, check)
		for i := range out {
			if out[i].In == InStatus {
				out[i].Expected = route.documentedStatuses()
				out[i].Actual = strconv.Itoa(status)
			}
		}
	}
	if plan != nil {
		c.settle(plan, out)
	}
	if large && in.Options != c.resNoBody && !hasBodyViolation(out) {
		c.answers.add(digest)
	}
	if len(body) > 0 && !route.declaresContent(status) {
		out = append(out, Violation{Operation: route.OperationID, In: InBody, Rule: "no content",
			Expected: "an empty body", Actual: fmt.Sprintf("%d bytes", len(body)),
			Message: fmt.Sprintf("status %d is documented without a body", status)})
	}
	return out
}

func hasBodyViolation(vs []Violation) bool {
	for _, v := range vs {
		if v.In == InBody || v.In == InContentType {
			return true
		}
	}
	return false
}

// declaresContent reports whether the documented response for status has a body.
func (r *Route) declaresContent(status int) bool {
	resp := r.kin.Operation.Responses.Status(status)
	if resp == nil {
		resp = r.kin.Operation.Responses.Default()
	}
	return resp == nil || resp.Value == nil || len(resp.Value.Content) > 0
}

// Responses returns the documented status codes of the operation.
func (r *Route) Responses() []string {
	codes := make([]string, 0, r.kin.Operation.Responses.Len())
	for code := range r.kin.Operation.Responses.Map() {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	return codes
}

func (r *Route) documentedStatuses() string {
	return "one of " + strings.Join(r.Responses(), ", ")
}

// checkBearerPresent is the contract-level part of the oauth2 requirement:
// an Authorization header with a Bearer token (RFC 6750 §2.1, scheme
// case-insensitive). Verifying the token is the resource server's job.
func checkBearerPresent(in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if h == "" {
		return in.NewError(errors.New("no Authorization header (RFC 6750 section 2.1 wants 'Authorization: Bearer <token>')"))
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return in.NewError(errors.New("Authorization header is not 'Bearer <token>' (RFC 6750 section 2.1)"))
	}
	return nil
}

func stringList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
