// Package export turns lists of records into files people download, print
// or subscribe to: CSV and XLSX spreadsheets (workbooks of several sheets
// too), printable PDF documents (attendance sheets, name tags,
// certificates, questionnaires to fill in by hand, posters with a QR
// code, portraits and reports for a period), QR codes (see QR and QRSVG)
// and iCalendar feeds (RFC 5545).
//
// Everything here is French-first: CSV files carry a UTF-8 byte order mark
// so that Excel in French opens accented text correctly, and separate
// their cells with the semicolon that French spreadsheets expect (the
// comma in English); spreadsheets keep numbers and dates as such (see
// Sheet); PDF documents
// embed the Go fonts (which cover every French glyph, « » and the no-break
// space included) and use US Letter paper, the size used in Québec, and
// download file names are derived from French titles.
//
// # Text in PDF files
//
// The fonts embedded in PDF files are the Go fonts (regular and bold),
// which have every letter of French, « », ’ and the no-break space. Text
// is put in Unicode normal form C first (a decomposed "é" becomes one
// letter). Characters the fonts lack are replaced: the narrow no-break
// space U+202F (and the figure space) by the no-break space U+00A0, other
// spaces by a space, the non-breaking hyphen by "-", other accented
// letters by their base letter ("ễ" → "e"), symbols such as emoji are
// dropped, and anything else (for example Chinese) becomes U+FFFD.
// Control and format characters are dropped. The ordinary space inside
// « » and before : ; ! ? becomes a no-break space, so that lines never
// start with those signs. Lines break at spaces only; a word too long for
// its column breaks before "@", after "-", "/" or "_", before ".", or
// anywhere as a last resort.
//
// Every PDF gives its creation and modification dates in one convention:
// in UTC, with the offset written out (D:20261202233000+00'00').
//
// The package has no global mutable state; every function is safe for
// concurrent use. Callers pass times already expressed in the territory's
// zone (see package i18n); only iCalendar output converts times, to UTC.
package export

// Content types of the formats written by this package, for the
// Content-Type header of an HTTP response.
const (
	// ContentTypeCSV is the media type of WriteCSV and CSVWriter output.
	ContentTypeCSV = "text/csv; charset=utf-8"
	// ContentTypeXLSX is the media type of WriteXLSX and WriteWorkbook output.
	ContentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	// ContentTypePDF is the media type of the output of the Write…PDF
	// functions.
	ContentTypePDF = "application/pdf"
	// ContentTypeICal is the media type of Calendar.WriteTo output. For an
	// iTIP message (Calendar.Method set) append "; method=" and the method.
	ContentTypeICal = "text/calendar; charset=utf-8"
)
