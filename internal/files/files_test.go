package files

import "testing"

func TestType(t *testing.T) {
	pdf := []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	zip := []byte("PK\x03\x04\x14\x00\x06\x00")
	page := []byte("<!DOCTYPE html><html><script>alert(1)</script>")
	text := []byte("Ordre du jour\n1. Bilan\n")
	for _, c := range []struct {
		name    string
		data    []byte
		allowed []string
		want    string
	}{
		{"bilan.pdf", pdf, Documents, "application/pdf"},
		{"Photo.JPG", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), Documents, "image/jpeg"},
		{"affiche.png", png, Documents, "image/png"},
		{"budget.xlsx", zip, Documents, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"notes.txt", text, DocumentsAndText, "text/plain; charset=utf-8"},
		{"notes.txt", text, Documents, ""},            // text not allowed here
		{"faux.pdf", page, Documents, ""},             // a page named like a PDF
		{"faux.docx", page, Documents, ""},            // a page named like a document
		{"faux.docx", text, Documents, ""},            // text named like a document
		{"faux.png", pdf, Documents, ""},              // a PDF named like a picture
		{"notes.txt", page, DocumentsAndText, ""},     // a page named like text
		{"virus.exe", zip, DocumentsAndText, ""},      // unknown
		{"sans-extension", pdf, DocumentsAndText, ""}, // no extension
	} {
		got, ok := Type(c.name, c.data, c.allowed)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("Type(%q) = %q, %v; want %q", c.name, got, ok, c.want)
		}
	}
}

func TestName(t *testing.T) {
	for in, want := range map[string]string{"bilan.pdf": "bilan.pdf", `C:\Users\Julie\bilan 2026.pdf`: "bilan 2026.pdf", "/tmp/x.png": "x.png",
		"  ": "", "/": "", ".": ""} {
		if got := Name(in); got != want {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
}
