"""Services: the few places outside the importer that write stored, derived data (read-only queries live in
`kandidaten.selectors`)."""
