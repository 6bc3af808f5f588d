package web_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"implique/internal/db/dbtest"
	"implique/internal/jobs"
)

// servedAPIRoutes reads routes.go for the routes the OpenAPI document
// describes: everything under /api/, /healthz and /readyz, as
// "METHOD /path" (HEAD, served with every GET, is left implicit). A
// pattern for a whole subtree ("OPTIONS /api/v1/") is given for each
// path of the API beneath it.
func servedAPIRoutes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "routes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "HandleFunc" && sel.Sel.Name != "Handle" {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		pattern, _ := strconv.Unquote(lit.Value)
		method, path, ok := strings.Cut(pattern, " ")
		if ok && (strings.HasPrefix(path, "/api/") || path == "/healthz" || path == "/readyz") {
			out = append(out, method+" "+path)
		}
		return true
	})
	var routes []string
	for _, rt := range out {
		method, path, _ := strings.Cut(rt, " ")
		if !strings.HasSuffix(path, "/") {
			routes = append(routes, rt)
			continue
		}
		for _, other := range out {
			if _, p, _ := strings.Cut(other, " "); strings.HasPrefix(p, path) && !strings.HasSuffix(p, "/") &&
				!slices.Contains(routes, method+" "+p) {
				routes = append(routes, method+" "+p)
			}
		}
	}
	return routes
}

// openAPIDoc is the part of the OpenAPI document the tests read.
type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas   map[string]json.RawMessage `json:"schemas"`
		Responses map[string]json.RawMessage `json:"responses"`
	} `json:"components"`
}

type openAPIResponse struct {
	Ref     string `json:"$ref"`
	Content map[string]struct {
		Schema json.RawMessage `json:"schema"`
	} `json:"content"`
	Headers map[string]json.RawMessage `json:"headers"`
}

// TestOpenAPIDescribesTheAPI checks the OpenAPI document against the
// server: it parses; it has every path and method the API serves and
// nothing else; every $ref resolves; every error has a JSON body with its
// schema; a registration needs an e-mail or a phone; and what it says of
// errors and cross-origin requests is what the server does.
func TestOpenAPIDescribesTheAPI(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPIDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("the OpenAPI document is not JSON: %v", err)
	}

	t.Run("every route served is described, and only those", func(t *testing.T) {
		served := servedAPIRoutes(t)
		var described []string
		for p, ops := range doc.Paths {
			for m := range ops {
				switch m {
				case "get", "put", "post", "delete", "options", "head", "patch", "trace":
					described = append(described, strings.ToUpper(m)+" "+p)
				}
			}
		}
		slices.Sort(served)
		slices.Sort(described)
		for _, r := range served {
			if !slices.Contains(described, r) {
				t.Errorf("served but not in the OpenAPI document: %s", r)
			}
		}
		for _, r := range described {
			if !slices.Contains(served, r) {
				t.Errorf("in the OpenAPI document but not served: %s", r)
			}
		}
	})

	t.Run("every $ref resolves", func(t *testing.T) {
		var all any
		_ = json.Unmarshal(raw, &all)
		for _, m := range regexp.MustCompile(`"\$ref":\s*"#/([^"]+)"`).FindAllStringSubmatch(string(raw), -1) {
			var node any = all
			for _, part := range strings.Split(m[1], "/") {
				obj, _ := node.(map[string]any)
				node = obj[part]
			}
			if node == nil {
				t.Errorf("$ref %s leads nowhere", m[1])
			}
		}
	})

	t.Run("every error has a JSON body with its schema", func(t *testing.T) {
		for p, ops := range doc.Paths {
			if !strings.HasPrefix(p, "/api/") {
				continue
			}
			for m, op := range ops {
				var o struct {
					Responses map[string]openAPIResponse `json:"responses"`
				}
				if err := json.Unmarshal(op, &o); err != nil {
					continue // not an operation
				}
				for code, resp := range o.Responses {
					if code < "400" {
						continue
					}
					if ref, ok := strings.CutPrefix(resp.Ref, "#/components/responses/"); ok {
						_ = json.Unmarshal(doc.Components.Responses[ref], &resp)
					}
					schema := string(resp.Content["application/json"].Schema)
					if !strings.Contains(schema, `"#/components/schemas/Error"`) && !strings.Contains(schema, `"#/components/schemas/FieldErrors"`) {
						t.Errorf("%s %s %s: no JSON error body with its schema", strings.ToUpper(m), p, code)
					}
					if (code == "429" || code == "503") && resp.Headers["Retry-After"] == nil {
						t.Errorf("%s %s %s: Retry-After not documented", strings.ToUpper(m), p, code)
					}
				}
			}
		}
	})

	t.Run("a registration needs an e-mail or a phone", func(t *testing.T) {
		var in struct {
			AnyOf []struct {
				Required []string `json:"required"`
			} `json:"anyOf"`
			Properties map[string]struct {
				Format string `json:"format"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(doc.Components.Schemas["RegistrationInput"], &in); err != nil {
			t.Fatal(err)
		}
		var alternatives []string
		for _, a := range in.AnyOf {
			alternatives = append(alternatives, strings.Join(a.Required, "+"))
		}
		if slices.Sort(alternatives); strings.Join(alternatives, " | ") != "email | phone" {
			t.Errorf("anyOf requires %q, want email | phone", alternatives)
		}
		if in.Properties["email"].Format != "email" {
			t.Errorf("email has format %q", in.Properties["email"].Format)
		}
	})

	t.Run("what the server does", func(t *testing.T) {
		d := dbtest.SQLite(t, jobs.MigrateAll)
		e := newEnv(t, d)
		ev := e.publishedEvent(t, 10)
		c := e.client(t)
		reg := "/api/v1/events/" + strconv.FormatInt(ev.ID, 10) + "/registrations"
		jsonError := func(t *testing.T, r response, status int) {
			t.Helper()
			expectStatus(t, r, status)
			var body struct {
				Error string `json:"error"`
			}
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || json.Unmarshal([]byte(r.body), &body) != nil || body.Error == "" {
				t.Errorf("%d: not a JSON error: %s %.200s", status, r.Header.Get("Content-Type"), r.body)
			}
		}
		req := func(method, path, origin string, body string) response {
			r, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
			if origin != "" {
				r.Header.Set("Origin", origin)
				r.Header.Set("Sec-Fetch-Site", "cross-site")
			}
			if body != "" {
				r.Header.Set("Content-Type", "application/json")
			}
			return c.do(r)
		}

		jsonError(t, c.get("/api/v1/places/paris/events.ics"), 404)
		jsonError(t, c.get("/api/v1/nulle-part"), 404)
		jsonError(t, c.get("/api/v1/events/999999/registrations"), 404)
		jsonError(t, req("POST", "/api/v1/events/999999/registrations", "", `{"name":"Lise","email":"lise@exemple.org"}`), 404)
		r := req("POST", reg, "https://evil.example", `{"name":"Lise","email":"lise@exemple.org"}`)
		jsonError(t, r, 403)

		// The sign-up is same-origin: its preflight grants nothing.
		r = req("OPTIONS", reg, "https://evil.example", "")
		expectStatus(t, r, http.StatusNoContent)
		if got := r.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("sign-up preflight allows origin %q", got)
		}
		if allow := r.Header.Get("Allow"); allow != "OPTIONS, POST" {
			t.Errorf("Allow %q", allow)
		}
		// The read-only endpoints allow any origin, errors included.
		for _, p := range []string{"/api/v1/events", "/api/v1/places", "/api/v1/places/becancour/events.ics", "/api/v1/openapi.json"} {
			r = req("OPTIONS", p, "https://ailleurs.example", "")
			expectStatus(t, r, http.StatusNoContent)
			if r.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "GET") {
				t.Errorf("OPTIONS %s: %v", p, r.Header)
			}
			if r := req("GET", p, "https://ailleurs.example", ""); r.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("GET %s: Access-Control-Allow-Origin %q", p, r.Header.Get("Access-Control-Allow-Origin"))
			}
		}
		r = req("GET", "/api/v1/events?kind=banquet", "https://ailleurs.example", "")
		expectStatus(t, r, http.StatusUnprocessableEntity)
		if r.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Error("a 422 of a read-only endpoint cannot be read by another site")
		}
		jsonError(t, req("OPTIONS", "/api/v1/nulle-part", "", ""), 404)
	})
}
