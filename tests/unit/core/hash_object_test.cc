// hash object model tests (placeholder until the type lands).
