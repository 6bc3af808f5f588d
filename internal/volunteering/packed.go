package volunteering

// PackedMatch is what the store writes in an opportunity's match_a and
// match_b: for the tools that write opportunities in bulk (the synthetic
// province), so that their rows are read by matching as the store's own.
func PackedMatch(o Opportunity) (a, b int64) { return packMatch(o.candidate()) }
