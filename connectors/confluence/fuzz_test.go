package confluence

import "testing"

// A page's storage body is another person's XHTML: parsing its DACI table
// never panics, whatever it holds.
func FuzzParseDACI_NeverPanics(f *testing.F) {
	f.Add(`<ac:structured-macro ac:name="details"><table><tr><th>Driver</th><td><ac:link><ri:user ri:account-id="557058:1"/></ac:link></td></tr><tr><th>Approver</th><td><ri:user ri:userkey="ff80"/></td></tr><tr><th>Status</th><td><ac:parameter ac:name="title">APPROVED</ac:parameter></td></tr></table></ac:structured-macro>`)
	f.Add(`<table><tr><th>Approver<td><ri:user ri:username="`)
	f.Add("approver <tr><td>\x00\xff</td></tr>")
	f.Fuzz(func(t *testing.T, body string) {
		parseDACI(body)
		stripTags(body)
	})
}
