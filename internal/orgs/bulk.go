package orgs

// SearchText is what the store writes in an organisation's search_text:
// for the tools that write organisations in bulk (the synthetic province).
func SearchText(name, mission, involvement string) string {
	return searchText(name, mission, involvement)
}
