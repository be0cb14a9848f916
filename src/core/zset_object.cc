// zset object (placeholder until the type lands).
