// list object model tests (placeholder until the type lands).
