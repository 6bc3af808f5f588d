package comms

import (
	"bytes"
	"html/template"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// The one way Markdown becomes HTML in communications (a story, a
// newsletter): goldmark reads it (raw HTML in the source is not passed
// through), then bluemonday keeps only what a message or a page may hold
// — headings, paragraphs, lists, emphasis, links, quotes, tables — so that
// whatever was typed or pasted cannot carry a script, a style or a
// tracking pixel.
var (
	markdownOnce sync.Once
	markdown     goldmark.Markdown
	sanitizer    *bluemonday.Policy
)

func markdownTools() (goldmark.Markdown, *bluemonday.Policy) {
	markdownOnce.Do(func() {
		markdown = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify))
		p := bluemonday.NewPolicy()
		p.AllowElements("p", "br", "h2", "h3", "h4", "strong", "em", "del", "ul", "ol", "li", "blockquote", "hr",
			"table", "thead", "tbody", "tr", "th", "td", "code", "pre")
		p.AllowAttrs("href").OnElements("a")
		p.AllowURLSchemes("http", "https", "mailto", "tel")
		p.RequireParseableURLs(true)
		p.RequireNoFollowOnLinks(false)
		p.AllowAttrs("align").Matching(bluemonday.Paragraph).OnElements("th", "td")
		sanitizer = p
	})
	return markdown, sanitizer
}

// Markdown renders src as safe HTML. A heading of level 1 becomes a level 2
// (the page or the message has its own title).
func Markdown(src string) template.HTML {
	md, p := markdownTools()
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		// goldmark does not fail on any text; were it to, the text is
		// shown as text rather than lost.
		return template.HTML(template.HTMLEscapeString(src))
	}
	out := strings.ReplaceAll(strings.ReplaceAll(buf.String(), "<h1>", "<h2>"), "</h1>", "</h2>")
	return template.HTML(p.Sanitize(out)) // #nosec: sanitised just above
}
