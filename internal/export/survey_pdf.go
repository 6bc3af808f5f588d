package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

// Kinds of SheetQuestion: how the answer is drawn on paper.
const (
	SheetSingle   = "single"   // a round box per choice, one to tick
	SheetMultiple = "multiple" // a square box per choice, several to tick
	SheetScale    = "scale"    // the choices as boxes in a row (0 to 10, agreement points)
	SheetNumber   = "number"   // a short box to write a number in
	SheetText     = "text"     // ruled lines to write on
)

// QuestionnaireSheet is a questionnaire to print and fill in by hand, for
// staff to type in later. Every text is printed as given (already in the
// reader's language); Lang selects the sheet's own few words ("en" for
// English, anything else French) and the document's language.
type QuestionnaireSheet struct {
	Lang  string
	Title string
	// Intro is printed under the title; line breaks are kept.
	Intro string
	// Statement says how the answers are kept (anonymous or not); it is
	// printed framed under the introduction.
	Statement string
	// FormNumberLabel heads the box, top right of the first page, where
	// staff write the paper form's number (« No du formulaire » when
	// empty, "Form number" in English).
	FormNumberLabel string
	// Created is the document's creation time (metadata); the same sheet
	// and Created give the same bytes.
	Created  time.Time
	Sections []SheetSection
}

// SheetSection is a titled group of questions; an empty title prints no
// heading, and a section without questions prints nothing.
type SheetSection struct {
	Title     string
	Questions []SheetQuestion
}

// SheetQuestion is one question of a QuestionnaireSheet.
type SheetQuestion struct {
	// Number is printed before the text ("3."); zero gives the number
	// after the previous question's (1 for the first).
	Number int
	Text   string
	// Help is printed under the text (« plusieurs réponses possibles »,
	// the meaning of the ends of a scale).
	Help string
	// Kind is one of SheetSingle, SheetMultiple, SheetScale, SheetNumber
	// and SheetText.
	Kind    string
	Choices []string
	// Required adds an asterisk after the text, which the first page
	// explains.
	Required bool
	// Condition is printed above the text (« Si Oui à la question 3 : »).
	Condition string
	// Decline is the label of a last box to tick instead of answering
	// (« Je préfère ne pas répondre »); empty offers none.
	Decline string
	// Lines is the number of ruled lines of a SheetText question (3 when
	// zero, at most 30).
	Lines int
}

// Typography of the questionnaire: sizes in points, lengths in
// millimetres. Nothing is smaller than 11 pt and everything is black.
const (
	qsTitleSize    = 18.0
	qsTitleLH      = 8.0
	qsTitleMax     = 4 // lines
	qsSectionSize  = 14.0
	qsSectionLH    = 6.5
	qsTextSize     = 12.0
	qsTextLH       = 5.6
	qsSmallSize    = 11.0
	qsSmallLH      = 5.2
	qsStatementMax = 12 // lines
	qsNumberW      = 11.0
	qsBox          = 4.8  // side of a box to tick, diameter of a round one
	qsBoxGap       = 2.5  // between a box and its label
	qsChoiceGap    = 8.0  // between choices on one line
	qsChoiceMinH   = 7.5  // height of a line of choices
	qsScaleBox     = 6.5  // side of a box of a scale
	qsScaleMinW    = 13.0 // narrowest cell of a scale
	qsScaleMaxW    = 36.0 // widest cell of a scale
	qsScaleMaxCols = 11
	qsGridMaxCols  = 3
	qsNumberBoxW   = 45.0
	qsNumberBoxH   = 10.0
	qsRuleH        = 9.0 // between ruled lines
	qsMaxLines     = 30
	qsLineWidth    = 0.35
	qsFormBoxW     = 50.0
	qsFormBoxH     = 13.0
	qsQuestionGap  = 7.0
	qsSectionGap   = 10.0
	qsFooterH      = qsSmallLH
	qsFooterGap    = 5.0
	qsBodyTop      = pageMargin
	qsBodyBottom   = pageH - pageMargin - qsFooterH - qsFooterGap
	qsAnswerX      = pageMargin + qsNumberW
	qsAnswerW      = contentW - qsNumberW
)

// sheetItem is a piece of a page that is never split: a line of text, a
// line of choices, a ruled line. draw draws it with its top at y.
type sheetItem struct {
	h    float64
	draw func(y float64)
}

// sheetBlock is what stays on one page when it fits: the header of the
// first page, or one question (with its section's heading when it is the
// section's first). gap is the space above it, except at the top of a
// page.
type sheetBlock struct {
	gap      float64
	items    []sheetItem
	question int // number of the question; 0 for the header
}

func (b sheetBlock) height() float64 {
	h := 0.0
	for _, it := range b.items {
		h += it.h
	}
	return h
}

// placedItem is an item on a page, with its top.
type placedItem struct {
	sheetItem
	y        float64
	question int
}

// WriteQuestionnairePDF writes s to w as a PDF questionnaire on US Letter
// paper, to print and fill in by hand.
//
// The first page starts with the title, a box top right for the form's
// number, the introduction and the framed statement. The questions
// follow in the given order, numbered, each with the boxes of its kind
// (see SheetQuestion); a question never breaks across pages unless it is
// taller than a page. Every page ends with the title and « 2 / 3 ». Text
// is at least 11 pt, black on white, and the boxes are drawn in black
// lines, so that the sheet prints and photocopies well in black and
// white. Text is cleaned as the package documentation says. An unknown
// Kind is an error.
func WriteQuestionnairePDF(w io.Writer, s QuestionnaireSheet) error {
	pdf := newPDF(s.Title, s.Lang, s.Created)
	pages, err := planQuestionnaire(pdf, s)
	if err != nil {
		return err
	}
	title := pdfText(s.Title, false)
	for pi, page := range pages {
		pdf.AddPage()
		pdf.SetTextColor(0, 0, 0)
		pdf.SetDrawColor(0, 0, 0)
		pdf.SetLineWidth(qsLineWidth)
		for _, it := range page {
			it.draw(it.y)
		}
		// Footer: the title on the left, the page on the right.
		fy := pageH - pageMargin - qsFooterH
		pdf.SetLineWidth(0.2)
		pdf.Line(pageMargin, fy-1.5, pageMargin+contentW, fy-1.5)
		pdf.SetFont(fontFamily, "", qsSmallSize)
		label := fmt.Sprintf("%d / %d", pi+1, len(pages))
		lw := pdf.GetStringWidth(label)
		textLine(pdf, pageMargin+contentW-lw, fy, lw, qsFooterH, label, "RM")
		if title != "" {
			tw := contentW - lw - 8
			textLine(pdf, pageMargin, fy, tw, qsFooterH, truncateText(pdf, title, tw), "LM")
		}
	}
	return writePDF(w, pdf)
}

// planQuestionnaire lays s out in blocks of items and paginates them:
// each page's items with their tops.
func planQuestionnaire(pdf *fpdf.Fpdf, s QuestionnaireSheet) ([][]placedItem, error) {
	blocks := []sheetBlock{questionnaireHeader(pdf, s)}
	n := 0
	for _, sec := range s.Sections {
		heading := pdfText(sec.Title, false)
		for qi, q := range sec.Questions {
			n++
			if q.Number > 0 {
				n = q.Number
			}
			b := sheetBlock{gap: qsQuestionGap, question: n}
			if qi == 0 && heading != "" {
				b.gap = qsSectionGap
				b.items = sectionHeading(pdf, heading)
			}
			items, err := questionItems(pdf, s.Lang == "en", n, q)
			if err != nil {
				return nil, err
			}
			b.items = append(b.items, items...)
			blocks = append(blocks, b)
		}
	}
	return paginate(blocks, qsBodyTop, qsBodyBottom), nil
}

// paginate places the blocks on pages between top and bottom: a block
// that does not fit in what is left of a page starts the next one; a
// block taller than a page starts a page and breaks between its items.
func paginate(blocks []sheetBlock, top, bottom float64) [][]placedItem {
	var pages [][]placedItem
	var page []placedItem
	y := top
	for _, b := range blocks {
		gap := b.gap
		if len(page) == 0 {
			gap = 0
		}
		if h := b.height(); y+gap+h > bottom && len(page) > 0 {
			pages = append(pages, page)
			page, y, gap = nil, top, 0
		}
		y += gap
		for _, it := range b.items {
			if y+it.h > bottom && len(page) > 0 {
				pages = append(pages, page)
				page, y = nil, top
			}
			page = append(page, placedItem{sheetItem: it, y: y, question: b.question})
			y += it.h
		}
	}
	return append(pages, page)
}

// questionnaireHeader is the top of the first page: the title beside the
// form number box, the introduction, the statement and, when a question
// is required, what the asterisk means.
func questionnaireHeader(pdf *fpdf.Fpdf, s QuestionnaireSheet) sheetBlock {
	en := s.Lang == "en"
	var b sheetBlock

	titleW := contentW - qsFormBoxW - 8
	pdf.SetFont(fontFamily, "B", qsTitleSize)
	var title []string
	if t := pdfText(s.Title, true); t != "" {
		title = clampLines(pdf, wrapText(pdf, t, titleW), qsTitleMax, titleW)
	}
	formLabel := pdfText(s.FormNumberLabel, false)
	if formLabel == "" {
		formLabel = pick(en, "Form number", "No du formulaire")
	}
	pdf.SetFont(fontFamily, "", qsSmallSize)
	formLines := clampLines(pdf, wrapText(pdf, formLabel, qsFormBoxW), 2, qsFormBoxW)
	formH := float64(len(formLines))*qsSmallLH + 1 + qsFormBoxH
	b.items = append(b.items, sheetItem{
		h: max(float64(len(title))*qsTitleLH, formH) + 5,
		draw: func(y float64) {
			pdf.SetFont(fontFamily, "B", qsTitleSize)
			for i, l := range title {
				textLine(pdf, pageMargin, y+float64(i)*qsTitleLH, titleW, qsTitleLH, l, "LM")
			}
			bx := pageMargin + contentW - qsFormBoxW
			pdf.SetFont(fontFamily, "", qsSmallSize)
			for i, l := range formLines {
				textLine(pdf, bx, y+float64(i)*qsSmallLH, qsFormBoxW, qsSmallLH, l, "LM")
			}
			pdf.SetLineWidth(0.5)
			pdf.Rect(bx, y+formH-qsFormBoxH, qsFormBoxW, qsFormBoxH, "D")
			pdf.SetLineWidth(qsLineWidth)
		},
	})

	if intro := pdfText(s.Intro, true); intro != "" {
		b.items = append(b.items, textItems(pdf, "", qsTextSize, qsTextLH, pageMargin, contentW, intro, nil)...)
		b.items = append(b.items, spacer(3))
	}
	if st := pdfText(s.Statement, true); st != "" {
		const pad = 3.0
		pdf.SetFont(fontFamily, "", qsTextSize)
		lines := clampLines(pdf, wrapText(pdf, st, contentW-2*pad), qsStatementMax, contentW-2*pad)
		h := float64(len(lines))*qsTextLH + 2*pad
		b.items = append(b.items, sheetItem{h: h + 3, draw: func(y float64) {
			pdf.Rect(pageMargin, y, contentW, h, "D")
			pdf.SetFont(fontFamily, "", qsTextSize)
			for i, l := range lines {
				textLine(pdf, pageMargin+pad, y+pad+float64(i)*qsTextLH, contentW-2*pad, qsTextLH, l, "LM")
			}
		}})
	}
	required := false
	for _, sec := range s.Sections {
		for _, q := range sec.Questions {
			required = required || q.Required
		}
	}
	if required {
		legend := pick(en, "* Answer required", "* Réponse obligatoire")
		b.items = append(b.items, textItems(pdf, "", qsSmallSize, qsSmallLH, pageMargin, contentW, legend, nil)...)
	}
	return b
}

// sectionHeading is a section's title in bold with a rule under it.
func sectionHeading(pdf *fpdf.Fpdf, heading string) []sheetItem {
	items := textItems(pdf, "B", qsSectionSize, qsSectionLH, pageMargin, contentW, heading, nil)
	return append(items, sheetItem{h: 4, draw: func(y float64) {
		pdf.SetLineWidth(0.5)
		pdf.Line(pageMargin, y+1, pageMargin+contentW, y+1)
		pdf.SetLineWidth(qsLineWidth)
	}})
}

// questionItems lays out question q numbered n: its condition, its text
// (with the number in the margin), its help, its answer boxes and the
// box to decline.
func questionItems(pdf *fpdf.Fpdf, en bool, n int, q SheetQuestion) ([]sheetItem, error) {
	var items []sheetItem
	if c := pdfText(q.Condition, true); c != "" {
		items = append(items, textItems(pdf, "", qsTextSize, qsTextLH, qsAnswerX, qsAnswerW, c, nil)...)
	}
	text := pdfText(q.Text, true)
	if q.Required {
		text += "\u00a0*"
	}
	number := fmt.Sprintf("%d.", n)
	items = append(items, textItems(pdf, "B", qsTextSize, qsTextLH, qsAnswerX, qsAnswerW, text, func(y float64) {
		textLine(pdf, pageMargin, y, qsNumberW, qsTextLH, number, "LM")
	})...)
	if h := pdfText(q.Help, true); h != "" {
		items = append(items, textItems(pdf, "", qsSmallSize, qsSmallLH, qsAnswerX, qsAnswerW, h, nil)...)
	}
	items = append(items, spacer(2))

	choices := make([]string, 0, len(q.Choices))
	for _, c := range q.Choices {
		choices = append(choices, pdfText(c, true))
	}
	round := false
	switch q.Kind {
	case SheetSingle:
		round = true
		items = append(items, choiceItems(pdf, choices, true)...)
	case SheetMultiple:
		items = append(items, choiceItems(pdf, choices, false)...)
	case SheetScale:
		items = append(items, scaleItems(pdf, choices)...)
	case SheetNumber:
		items = append(items, sheetItem{h: qsNumberBoxH + 1.5, draw: func(y float64) {
			pdf.Rect(qsAnswerX, y, qsNumberBoxW, qsNumberBoxH, "D")
		}})
	case SheetText:
		lines := q.Lines
		if lines <= 0 {
			lines = 3
		}
		for range min(lines, qsMaxLines) {
			items = append(items, sheetItem{h: qsRuleH, draw: func(y float64) {
				pdf.Line(qsAnswerX, y+qsRuleH-1, qsAnswerX+qsAnswerW, y+qsRuleH-1)
			}})
		}
	default:
		return nil, fmt.Errorf("export: question %d: unknown kind %q", n, q.Kind)
	}
	if d := pdfText(q.Decline, true); d != "" {
		items = append(items, spacer(1))
		items = append(items, choiceItems(pdf, []string{d}, round)...)
	}
	return items, nil
}

// textItems wraps text to width w in the given style and size and
// returns one item per line, at x; first, when not nil, is also called
// with the first line's top (to draw a question's number).
func textItems(pdf *fpdf.Fpdf, style string, size, lh, x, w float64, text string, first func(y float64)) []sheetItem {
	pdf.SetFont(fontFamily, style, size)
	lines := wrapText(pdf, text, w)
	items := make([]sheetItem, len(lines))
	for i, l := range lines {
		items[i] = sheetItem{h: lh, draw: func(y float64) {
			pdf.SetFont(fontFamily, style, size)
			textLine(pdf, x, y, w, lh, l, "LM")
			if i == 0 && first != nil {
				first(y)
			}
		}}
	}
	return items
}

// spacer is empty room of height h.
func spacer(h float64) sheetItem {
	return sheetItem{h: h, draw: func(float64) {}}
}

// tickBox draws a box to tick, round or square, centred on (cx, cy).
func tickBox(pdf *fpdf.Fpdf, cx, cy, side float64, round bool) {
	if round {
		pdf.Circle(cx, cy, side/2, "D")
		return
	}
	pdf.Rect(cx-side/2, cy-side/2, side, side, "D")
}

// choiceItems lays out choices, each a box and its label: all on one
// line when they fit, else in two or three columns when the longest
// fits in one, else one per line with long labels wrapped.
func choiceItems(pdf *fpdf.Fpdf, choices []string, round bool) []sheetItem {
	if len(choices) == 0 {
		return nil
	}
	pdf.SetFont(fontFamily, "", qsTextSize)
	widths := make([]float64, len(choices))
	total, widest := 0.0, 0.0
	for i, c := range choices {
		widths[i] = qsBox + qsBoxGap + longestLine(pdf, c)
		total += widths[i]
		widest = max(widest, widths[i])
	}
	total += float64(len(choices)-1) * qsChoiceGap
	oneLine := true
	for _, c := range choices {
		oneLine = oneLine && !strings.Contains(c, "\n")
	}

	// Columns: all the choices on one line (each as wide as it needs), or
	// a grid of equal columns.
	var cols int
	var colW float64
	switch {
	case oneLine && total <= qsAnswerW:
		return []sheetItem{{h: qsChoiceMinH, draw: func(y float64) {
			x := qsAnswerX
			pdf.SetFont(fontFamily, "", qsTextSize)
			for i, c := range choices {
				tickBox(pdf, x+qsBox/2, y+qsChoiceMinH/2, qsBox, round)
				textLine(pdf, x+qsBox+qsBoxGap, y, widths[i]-qsBox-qsBoxGap+0.5, qsChoiceMinH, c, "LM")
				x += widths[i] + qsChoiceGap
			}
		}}}
	case oneLine && len(choices) > 3:
		cols = min(qsGridMaxCols, int((qsAnswerW+qsChoiceGap)/(widest+qsChoiceGap)))
	}
	if cols < 2 {
		cols = 1
	}
	colW = (qsAnswerW - float64(cols-1)*qsChoiceGap) / float64(cols)
	labelW := colW - qsBox - qsBoxGap

	var items []sheetItem
	for start := 0; start < len(choices); start += cols {
		row := choices[start:min(start+cols, len(choices))]
		cells := make([][]string, len(row))
		h := qsChoiceMinH
		for i, c := range row {
			cells[i] = wrapText(pdf, c, labelW)
			h = max(h, float64(len(cells[i]))*qsTextLH+(qsChoiceMinH-qsTextLH))
		}
		items = append(items, sheetItem{h: h, draw: func(y float64) {
			pdf.SetFont(fontFamily, "", qsTextSize)
			top := y + (qsChoiceMinH-qsTextLH)/2
			for i, lines := range cells {
				x := qsAnswerX + float64(i)*(colW+qsChoiceGap)
				tickBox(pdf, x+qsBox/2, top+qsTextLH/2, qsBox, round)
				for k, l := range lines {
					textLine(pdf, x+qsBox+qsBoxGap, top+float64(k)*qsTextLH, labelW, qsTextLH, l, "LM")
				}
			}
		}})
	}
	return items
}

// scaleItems lays out the points of a scale as cells in a row: the label
// centred (wrapped when long) above a box to tick. Cells are as wide as
// the longest word needs, between 13 and 36 mm; when they do not fit on
// one line, they wrap onto rows of equal length.
func scaleItems(pdf *fpdf.Fpdf, choices []string) []sheetItem {
	if len(choices) == 0 {
		return nil
	}
	pdf.SetFont(fontFamily, "", qsTextSize)
	need := qsScaleMinW
	for _, c := range choices {
		need = max(need, longestWord(pdf, c)+2)
	}
	perRow := min(len(choices), qsScaleMaxCols, max(1, int(qsAnswerW/need)))
	rows := (len(choices) + perRow - 1) / perRow
	perRow = (len(choices) + rows - 1) / rows // balance the rows
	cellW := min(qsAnswerW/float64(perRow), qsScaleMaxW)

	var items []sheetItem
	for start := 0; start < len(choices); start += perRow {
		row := choices[start:min(start+perRow, len(choices))]
		cells := make([][]string, len(row))
		labelH := 0.0
		for i, c := range row {
			cells[i] = wrapText(pdf, c, cellW-2)
			labelH = max(labelH, float64(len(cells[i]))*qsTextLH)
		}
		h := labelH + 1.5 + qsScaleBox + 3
		items = append(items, sheetItem{h: h, draw: func(y float64) {
			pdf.SetFont(fontFamily, "", qsTextSize)
			for i, lines := range cells {
				x := qsAnswerX + float64(i)*cellW
				ly := y + labelH - float64(len(lines))*qsTextLH // labels end on one line
				for k, l := range lines {
					textLine(pdf, x+1, ly+float64(k)*qsTextLH, cellW-2, qsTextLH, l, "CM")
				}
				tickBox(pdf, x+cellW/2, y+labelH+1.5+qsScaleBox/2, qsScaleBox, false)
			}
		}})
	}
	return items
}
