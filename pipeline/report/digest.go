package report

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/evident-sync/evident/classify"
	"github.com/evident-sync/evident/pipeline/store"
)

// Digest is one week for the weekly ten minutes: its suggestions strongest
// first, the strong and notable ones still waiting from earlier weeks, the
// strong selected items with no impact note, the follow-ups due, the
// week's cross-team numbers, the quarter's criteria still without
// evidence, and the question no tool can answer.
type Digest struct {
	Week      string       `json:"week"`
	Items     []store.View `json:"items"`
	FollowUps []store.View `json:"follow_ups"`
	Gaps      []Gap        `json:"gaps"`
	CrossTeam *Report      `json:"cross_team"`
	// Waiting are earlier weeks' strong and notable suggestions, strongest
	// then newest, at most waitingShown; WaitingMore counts the rest.
	Waiting     []store.View `json:"waiting"`
	WaitingMore int          `json:"waiting_more"`
	// Unnoted are selected strong items of the last year without an impact
	// note, newest first, at most unnotedShown; UnnotedMore counts the rest.
	Unnoted     []store.View `json:"unnoted"`
	UnnotedMore int          `json:"unnoted_more"`
	// Question is the weekly prompt, and AnswerWith the command that
	// answers it.
	Question   string `json:"question"`
	AnswerWith string `json:"answer_with"`
	// Quarter is the quarter the gaps cover; Review, in the last week of a
	// quarter, the command of its self-review.
	Quarter string `json:"quarter"`
	Review  string `json:"review,omitempty"`
	// Since and Until are the week's bounds (local midnights).
	Since string `json:"since"`
	Until string `json:"until"`
}

// The digest's lists, at most.
const (
	waitingShown = 10
	unnotedShown = 10
)

// WeeklyQuestion is the prompt of every digest: most of a staff engineer's
// strongest work leaves no artifact.
const WeeklyQuestion = "What was the most significant thing you did this week that no tool saw?"

// DigestOptions say what the digest needs beyond the items.
type DigestOptions struct {
	Week     Period
	Today    string // YYYY-MM-DD, for the follow-ups due
	Criteria []classify.Criterion
	Report   Options // for the cross-team numbers; Since and Until are the week's
}

// digestInput is what the reads of ReadDigest gather.
type digestInput struct {
	week, due, waiting, unnoted []store.Item
	waitingMore, unnotedMore    int
	gaps                        []Gap
}

// BuildDigest makes the digest of o.Week from the week's items (suggested
// and confirmed), the follow-ups due and the gaps (see ReadDigest).
func BuildDigest(week, due []store.Item, gaps []Gap, o DigestOptions) *Digest {
	return buildDigest(digestInput{week: week, due: due, gaps: gaps}, o)
}

func buildDigest(in digestInput, o DigestOptions) *Digest {
	q := QuarterOf(o.Week.Since)
	d := &Digest{Week: o.Week.Label, Items: []store.View{}, FollowUps: []store.View{}, Gaps: in.gaps,
		Waiting: views(in.waiting, o.Criteria), WaitingMore: in.waitingMore, Unnoted: views(in.unnoted, o.Criteria), UnnotedMore: in.unnotedMore,
		Question: WeeklyQuestion, Quarter: q.Label,
		Since: o.Week.Since.Format(time.DateOnly), Until: o.Week.Until.AddDate(0, 0, -1).Format(time.DateOnly)}
	day := o.Week.Until.AddDate(0, 0, -1).Format(time.DateOnly)
	if o.Today != "" && o.Today < day {
		day = o.Today // never a day to come: add refuses those
	}
	d.AnswerWith = fmt.Sprintf(`evident add "WHAT YOU DID" --date %s --note "ITS IMPACT"`, day)
	if !o.Week.Until.Before(q.Until) || q.Until.Sub(o.Week.Until) < 7*24*time.Hour {
		d.Review = "evident review --period " + q.Label
	}
	if d.Gaps == nil {
		d.Gaps = []Gap{}
	}
	var sugg []*store.Item
	for i := range in.week {
		if it := &in.week[i]; it.State == store.Suggested && o.Week.Contains(it.Artifact.OccurredAt) {
			sugg = append(sugg, it)
		}
	}
	slices.SortFunc(sugg, ranked)
	for _, it := range sugg {
		d.Items = append(d.Items, it.View(o.Criteria))
	}
	for i := range in.due {
		if in.due[i].FollowUpDue(o.Today) {
			d.FollowUps = append(d.FollowUps, in.due[i].View(o.Criteria))
		}
	}
	ro := o.Report
	ro.Since, ro.Until = o.Week.Since, o.Week.Until
	d.CrossTeam = Build(in.week, ro)
	return d
}

func views(items []store.Item, cs []classify.Criterion) []store.View {
	out := make([]store.View, 0, len(items))
	for i := range items {
		out = append(out, items[i].View(cs))
	}
	return out
}

// QuarterOf is the calendar quarter holding t, in t's location.
func QuarterOf(t time.Time) Period {
	p, _ := ParsePeriod(fmt.Sprintf("%d-Q%d", t.Year(), 1+int(t.Month()-1)/3), t.Location())
	return p
}

// digestTop is how many of the week's suggestions the Markdown lists.
const digestTop = 10

// Markdown writes the digest for a mail or a notification.
func (d *Digest) Markdown(w io.Writer) error {
	fmt.Fprintf(w, "# evident: week %s (%s to %s)\n\n", d.Week, d.Since, d.Until)
	fmt.Fprintf(w, "**%s** Write it down: `%s`\n\n", d.Question, d.AnswerWith)
	switch n := len(d.Items); n {
	case 0:
		fmt.Fprintf(w, "No new suggestions this week.\n")
	default:
		fmt.Fprintf(w, "## %s to triage, strongest first\n\n", titleCase(count(n, "suggestion")))
		for i, v := range d.Items {
			if i == digestTop {
				fmt.Fprintf(w, "- and %d more (routine ones can be kept at once: evident confirm --routine --week %s)\n", n-digestTop, d.Week)
				break
			}
			fmt.Fprintf(w, "- **%s** %s · %s · `%s`\n", v.Strength, link(v.Title, v.URL), mdText(v.Summary), v.ID)
			if v.Strength != string(classify.StrengthRoutine) && len(v.StrengthReasons) > 0 {
				fmt.Fprintf(w, "  - why: %s\n", mdText(strings.Join(v.StrengthReasons, "; ")))
			}
		}
	}
	d.markdownLists(w)
	fmt.Fprintf(w, "\n## Cross-team this week\n\n%s\n", mdText(d.CrossTeam.Headline))
	for _, t := range d.CrossTeam.Teams {
		var parts []string
		if t.PRsReviewed > 0 {
			parts = append(parts, count(t.PRsReviewed, "PR")+" reviewed")
		}
		if t.Comments > 0 {
			parts = append(parts, count(t.Comments, "comment"))
		}
		if t.RFCsReviewed > 0 {
			parts = append(parts, count(t.RFCsReviewed, "RFC")+" with your feedback")
		}
		fmt.Fprintf(w, "- %s: %s\n", mdText(t.Name), strings.Join(parts, ", "))
	}
	d.markdownGaps(w)
	if d.Review != "" {
		fmt.Fprintf(w, "\n## The quarter ends\n\nLook back over %s before it closes: `%s`\n", d.Quarter, d.Review)
	}
	return nil
}

// markdownLists writes what is waiting from earlier weeks, the strong
// evidence without a note, and the follow-ups due.
func (d *Digest) markdownLists(w io.Writer) {
	if len(d.Waiting) > 0 {
		fmt.Fprintf(w, "\n## Still waiting from earlier weeks\n\n")
		for _, v := range d.Waiting {
			when := ""
			if v.OccurredAt != nil {
				when = (*v.OccurredAt)[:min(len(*v.OccurredAt), 10)]
			}
			fmt.Fprintf(w, "- **%s** %s · %s · `%s`\n", v.Strength, link(v.Title, v.URL), when, v.ID)
		}
		if d.WaitingMore > 0 {
			fmt.Fprintf(w, "- and %d more: evident inbox --all\n", d.WaitingMore)
		}
	}
	if len(d.Unnoted) > 0 {
		fmt.Fprintf(w, "\n## Strong evidence without an impact note\n\nA committee reads the impact, not the artifact:\n\n")
		for _, v := range d.Unnoted {
			fmt.Fprintf(w, "- %s · `evident edit %s --note \"...\"`\n", link(v.Title, v.URL), v.ID)
		}
		if d.UnnotedMore > 0 {
			fmt.Fprintf(w, "- and %d more: evident list --state confirmed --strength strong\n", d.UnnotedMore)
		}
	}
	if len(d.FollowUps) > 0 {
		fmt.Fprintf(w, "\n## %s due: record what came of it\n\n", titleCase(count(len(d.FollowUps), "follow-up")))
		for _, v := range d.FollowUps {
			fmt.Fprintf(w, "- %s · due %s · `evident edit %s --outcome \"...\"`\n", link(v.Title, v.URL), v.FollowUp, v.ID)
		}
	}
}

func (d *Digest) markdownGaps(w io.Writer) {
	if len(d.Gaps) == 0 {
		return
	}
	fmt.Fprintf(w, "\n## Criteria still without evidence in %s\n\n", d.Quarter)
	for _, g := range d.Gaps {
		fmt.Fprintf(w, "- %s (%s)\n", mdText(g.Text), g.ID)
		for _, it := range g.Suggested[:min(len(g.Suggested), 3)] {
			if it.State == store.Confirmed {
				fmt.Fprintf(w, "  - already selected: %s — `evident edit %s --criterion %s`\n", mdText(it.Title()), it.ID, g.ID)
				continue
			}
			fmt.Fprintf(w, "  - could be filled by %s `%s`\n", mdText(it.Title()), it.ID)
		}
	}
}

// ReadDigest builds the digest of o.Week from reads that follow the week,
// not the store: the week's items, the follow-up index, the suggestions of
// earlier weeks, the last year's selected strong items, and the gaps of
// the week's quarter (see ReadGaps).
func ReadDigest(ctx context.Context, s Scanner, o DigestOptions) (*Digest, error) {
	var in digestInput
	collect := func(to *[]store.Item) func(*store.Item) error {
		return func(it *store.Item) error { *to = append(*to, *it); return nil }
	}
	f := store.Filter{States: []store.State{store.Suggested, store.Confirmed}, Since: o.Week.Since, Until: o.Week.Until}
	if err := s.Scan(ctx, f, collect(&in.week)); err != nil {
		return nil, err
	}
	if err := s.Scan(ctx, store.Filter{FollowUpsDue: o.Today}, collect(&in.due)); err != nil {
		return nil, err
	}
	var err error
	if in.waiting, in.waitingMore, err = readWaiting(ctx, s, o.Week); err != nil {
		return nil, err
	}
	if in.unnoted, in.unnotedMore, err = readUnnoted(ctx, s, o.Week); err != nil {
		return nil, err
	}
	if in.gaps, err = ReadGaps(ctx, s, o.Criteria, QuarterOf(o.Week.Since)); err != nil {
		return nil, err
	}
	return buildDigest(in, o), nil
}

// readWaiting reads the strong and notable suggestions dated before the
// week: the strongest waitingShown, and how many more.
func readWaiting(ctx context.Context, s Scanner, week Period) ([]store.Item, int, error) {
	var top []*store.Item
	n := 0
	err := s.Scan(ctx, store.Filter{States: []store.State{store.Suggested}, Until: week.Since}, func(it *store.Item) error {
		if it.Strength() == classify.StrengthRoutine {
			return nil
		}
		n++
		kept := lean(it)
		top = append(top, &kept)
		if len(top) > 8*waitingShown {
			slices.SortFunc(top, ranked)
			clear(top[waitingShown:])
			top = top[:waitingShown]
		}
		return nil
	})
	slices.SortFunc(top, ranked)
	top = top[:min(len(top), waitingShown)]
	out := make([]store.Item, len(top))
	for i, it := range top {
		out[i] = *it
	}
	return out, n - len(out), err
}

// readUnnoted reads the selected strong items of the year up to the week's
// end that have no impact note, newest first.
func readUnnoted(ctx context.Context, s Scanner, week Period) ([]store.Item, int, error) {
	var out []store.Item
	n := 0
	f := store.Filter{States: []store.State{store.Confirmed}, Since: week.Until.AddDate(-1, 0, 0), Until: week.Until}
	err := s.Scan(ctx, f, func(it *store.Item) error {
		if it.Strength() != classify.StrengthStrong || it.User.Note != "" {
			return nil
		}
		n++
		if len(out) < unnotedShown {
			out = append(out, lean(it))
		}
		return nil
	})
	return out, n - len(out), err
}
