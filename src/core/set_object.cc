// set object (placeholder until the type lands).
