// list object (placeholder until the type lands).
