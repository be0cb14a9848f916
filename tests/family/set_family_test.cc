// set family tests (placeholder until the family lands).
