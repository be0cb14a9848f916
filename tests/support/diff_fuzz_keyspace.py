"""Keyspace commands for the differential fuzzer's Generator (a mixin: see diff_fuzz_gen.py for
the contract and the shared helpers self.rng, self.key, self.db_arg, ...): DEL, EXISTS, TYPE,
KEYS, SCAN, RANDOMKEY, expiries, RENAME, COPY, MOVE, SWAPDB, SELECT, OBJECT, FLUSHDB, MEMORY.

KEYS, SCAN, RANDOMKEY, TTL/PTTL, EXPIRETIME/PEXPIRETIME, OBJECT IDLETIME and MEMORY USAGE use
their own rules ("keys", "scan", ...); everything else is compared byte for byte. RENAME,
RENAMENX and COPY take their two keys from anywhere (with --spread, on different shards).
"""

PATTERNS = [b"*", b"k*", b"*k?", b"k[0-4]", b"k[^0-4]*", b"*\x00*", b"?", b"", b"\\*",
            b"*[", b"k[a-", b"*\xff*", b"{t}*", b"*{t}k1", b"k\\1", b"*1", b"[k]?",
            b"*[!1]", b"**", b"K*", b"??", b"*\r\n"]

SCAN_TYPES = [b"string", b"STRING", b"String", b"list", b"set", b"hash", b"zset", b"stream",
              b"bogus", b""]

BAD_CURSORS = [b"abc", b"1.5", b"", b"0x", b" 0", b"18446744073709551616", b"0 "]

# Families whose keys RENAME, RENAMENX and COPY mostly move between (so keys keep their type).
MOVABLE_FAMILIES = ("lists", "hashes", "sets", "zsets", "strings")


class KeyspaceCommands:

    def keyspace_table(self):
        return {
            "DEL": (2, self.g_del, True), "UNLINK": (1, self.g_unlink, True),
            "EXISTS": (2, self.g_exists, True), "TOUCH": (1, self.g_touch, True),
            "TYPE": (2, self.g_type, False), "KEYS": (1, self.g_keys, False),
            "SCAN": (1, self.g_scan, False), "RANDOMKEY": (1, self.g_randomkey, False),
            "DBSIZE": (1, self.g_dbsize, False), "EXPIRE": (2, self.g_expire, False),
            "PEXPIRE": (2, self.g_pexpire, False), "EXPIREAT": (2, self.g_expireat, False),
            "PEXPIREAT": (2, self.g_pexpireat, False), "TTL": (2, self.g_ttl, False),
            "PTTL": (2, self.g_pttl, False), "EXPIRETIME": (1, self.g_expiretime, False),
            "PEXPIRETIME": (1, self.g_pexpiretime, False), "PERSIST": (1, self.g_persist, False),
            "RENAME": (1, self.g_rename, False), "RENAMENX": (1, self.g_renamenx, False),
            "COPY": (2, self.g_copy, False), "MOVE": (1, self.g_move, False),
            "SWAPDB": (0.3, self.g_swapdb, False), "SELECT": (1, self.g_select, False),
            "OBJECT": (4, self.g_object, False), "FLUSHDB": (0.15, self.g_flushdb, False),
            "MEMORY": (1, self.g_memory, False),
        }

    # -- commands -----------------------------------------------------------------------------

    def g_del(self):
        return [b"DEL"] + self.some_keys(), "exact"

    def g_unlink(self):
        return [b"UNLINK"] + self.some_keys(), "exact"

    def g_exists(self):
        return [b"EXISTS"] + self.some_keys(), "exact"

    def g_touch(self):
        return [b"TOUCH"] + self.some_keys(), "exact"

    def g_type(self):
        return [b"TYPE", self.key()], "exact"

    def pattern(self):
        """A KEYS / SCAN MATCH pattern; half the time behind one of the layout's tags."""
        pattern = self.rng.choice(PATTERNS)
        if self.key_tags and self.rng.random() < 0.5:
            pattern = self.rng.choice(self.key_tags) + pattern
        return pattern

    def g_keys(self):
        return [b"KEYS", self.pattern()], "keys"

    def g_scan(self):
        cursor = b"0" if self.rng.random() < 0.9 else self.rng.choice(BAD_CURSORS)
        args = [b"SCAN", cursor]
        for _ in range(self.rng.choices([0, 1, 2, 3], [30, 40, 20, 10])[0]):
            kind = self.rng.choices(["MATCH", "COUNT", "TYPE", "bogus"], [10, 10, 10, 1])[0]
            if kind == "MATCH":
                args += [self.option("MATCH"), self.pattern()]
            elif kind == "COUNT":
                count = self.rng.choice([b"1", b"2", b"5", b"10", b"1000"] * 4
                                        + [b"0", b"-1", b"abc", b"", b"1.5"])
                args += [self.option("COUNT"), count]
            elif kind == "TYPE":
                args += [self.option("TYPE"), self.rng.choice(SCAN_TYPES)]
            else:
                args.append(self.rng.choice([b"NOVALUES", b"", b"MATCHES"]))
        return args, "scan"

    def g_randomkey(self):
        return [b"RANDOMKEY"], "randomkey"

    def g_dbsize(self):
        return [b"DBSIZE"], "exact"

    def _expire_flags(self, args):
        for _ in range(self.rng.choices([0, 1, 2], [50, 42, 8])[0]):
            if self.rng.random() < 0.05:
                args.append(self.rng.choice([b"EQ", b"", b"GTE"]))
            else:
                args.append(self.option(self.rng.choice(["NX", "XX", "GT", "LT"])))
        return args

    def _relative_or_past(self, unit_ms):
        r = self.rng.random()
        if r < 0.8:
            return self.expire_value(unit_ms, bad_rate=0.0)
        if r < 0.9:   # zero or negative: the key is deleted at once
            return self.rng.choice([b"0", b"-1", b"-5000"])
        return self.rng.choice([b"abc", b"1.5", b"", b"9223372036854775807",
                                b"9223372036854775", b"-9223372036854775808",
                                b"-9223372036854775"])

    def g_expire(self):
        return self._expire_flags([b"EXPIRE", self.key(), self._relative_or_past(False)]), \
            "exact"

    def g_pexpire(self):
        return self._expire_flags([b"PEXPIRE", self.key(), self._relative_or_past(True)]), \
            "exact"

    def _absolute_or_past(self, unit_ms):
        r = self.rng.random()
        if r < 0.75:
            return str(self.absolute_ms() if unit_ms else self.absolute_seconds()).encode()
        if r < 0.9:   # in the past: the key is deleted at once
            past = [0, 1, 1000000000, 1700000000, -1]
            value = self.rng.choice(past)
            return str(value * 1000 if unit_ms and value > 1 else value).encode()
        return self.rng.choice([b"abc", b"", b"1.5", b"9223372036854775807",
                                b"9223372036854775808", b"-9223372036854775808"])

    def g_expireat(self):
        return self._expire_flags([b"EXPIREAT", self.key(), self._absolute_or_past(False)]), \
            "exact"

    def g_pexpireat(self):
        return self._expire_flags([b"PEXPIREAT", self.key(), self._absolute_or_past(True)]), \
            "exact"

    def g_ttl(self):
        return [b"TTL", self.key()], "ttl"

    def g_pttl(self):
        return [b"PTTL", self.key()], "pttl"

    def g_expiretime(self):
        return [b"EXPIRETIME", self.key()], "expiretime"

    def g_pexpiretime(self):
        return [b"PEXPIRETIME", self.key()], "pexpiretime"

    def g_persist(self):
        return [b"PERSIST", self.key()], "exact"

    def two_keys_of_a_family(self):
        """Source and destination, mostly of one family, so that keys keep to their family's
        type; from anywhere (these commands run across shards). Now and then the same key
        twice."""
        family = self.rng.choice(MOVABLE_FAMILIES) if self.rng.random() < 0.8 else None
        first = self.key(family)
        return [first, first if self.rng.random() < 0.05 else self.key(family)]

    def g_rename(self):
        return [b"RENAME"] + self.two_keys_of_a_family(), "exact"

    def g_renamenx(self):
        return [b"RENAMENX"] + self.two_keys_of_a_family(), "exact"

    def g_copy(self):
        args = [b"COPY"] + self.two_keys_of_a_family()
        options = ["DB", "REPLACE", "bogus"]
        for _ in range(self.rng.choices([0, 1, 2, 3], [40, 35, 20, 5])[0]):
            kind = self.rng.choice(options)
            if kind == "DB":
                args += [self.option("DB"), self.db_arg()]
            elif kind == "REPLACE":
                args.append(self.option("REPLACE"))
            else:
                args.append(self.rng.choice([b"NX", b"", b"REPLACEX"]))
        return args, "exact"

    def g_move(self):
        return [b"MOVE", self.key(), self.db_arg()], "exact"

    def g_swapdb(self):
        return [b"SWAPDB", self.db_arg(), self.db_arg()], "exact"

    def g_select(self):
        db = b"0" if self.rng.random() < 0.6 else self.db_arg(edge=0.2)
        return [b"SELECT", db], "exact"

    def g_object(self):
        sub = self.rng.choice(["ENCODING", "ENCODING", "REFCOUNT", "IDLETIME", "FREQ", "HELP",
                               "bogus"])
        if sub == "HELP":
            return [b"OBJECT", self.option("HELP")], "exact"
        if sub == "bogus":
            return [b"OBJECT", self.rng.choice([b"ENCODINGS", b"", b"LRU"]), self.key()], \
                "exact"
        check = "idletime" if sub == "IDLETIME" else "exact"
        return [b"OBJECT", self.option(sub), self.key()], check

    def g_flushdb(self):
        args = [b"FLUSHDB"]
        if self.rng.random() < 0.4:
            args.append(self.rng.choice([b"ASYNC", b"SYNC", b"async", b"LAZY"]))
        return args, "exact"

    def g_memory(self):
        args = [b"MEMORY", self.option("USAGE"), self.key()]
        if self.rng.random() < 0.3:
            args += [self.option("SAMPLES"), self.int_arg(0, 10, edge=0.3)]
        return args, "memusage"

