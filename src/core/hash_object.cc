// hash object (placeholder until the type lands).
