"""Hash commands for the differential fuzzer's Generator (a mixin: see diff_fuzz_gen.py for the
contract and the shared helpers).

Hashes are "listpack" (insertion order) up to 128 fields of at most 64 bytes, then "hashtable"
(an order of its own in each process): HGETALL, HKEYS and HVALS are compared with the "hgetall"
and "hkeys" rules, HRANDFIELD with "hrandfield", HSCAN with "hscan"; everything else byte for
byte. Fields and values are mostly small; a few HSETs add 130 fields at once, and now and then a
field or value of 65 bytes or more converts a hash.
"""

HASH_NUMBERS = [b"0", b"1", b"-1", b"10", b"9223372036854775807", b"-9223372036854775808",
                b"9223372036854775806", b"1.5", b"-0.5", b"1e5", b"inf", b"nan", b"3.0",
                b"5.0e3", b" 1", b"1 ", b"0x10", b"abc", b""]

MATCH_PATTERNS = [b"*", b"a*", b"*a", b"g1*", b"[a-c]", b"?", b"*\x00*", b"1*", b"-*",
                  b"[^a]*", b"\\*", b"*[", b"", b"m*"]

SCAN_COUNTS = [b"1", b"2", b"5", b"10", b"100"] * 4 + [b"0", b"-1", b"abc", b"", b"1.5",
                                                       b"9223372036854775807"]

# Refused cursors, and accepted ones other than 0 (strtoul takes "-1").
BAD_CURSORS = [b"abc", b"1.5", b"", b" 0", b"18446744073709551616", b"0 ", b"+0"]
OTHER_CURSORS = [b"1", b"5", b"-1", b"18446744073709551615", b"00"]


class HashCommands:

    def hash_table(self):
        return {
            "HSET": (8, self.g_hset, False), "HSETNX": (1.5, self.g_hsetnx, False),
            "HGET": (3, self.g_hget, False), "HMGET": (2, self.g_hmget, False),
            "HMSET": (1.5, self.g_hmset, False), "HGETALL": (2, self.g_hgetall, False),
            "HDEL": (2.5, self.g_hdel, False), "HEXISTS": (1.5, self.g_hexists, False),
            "HKEYS": (1.5, self.g_hkeys, False), "HVALS": (1.5, self.g_hvals, False),
            "HLEN": (1, self.g_hlen, False), "HSTRLEN": (1.5, self.g_hstrlen, False),
            "HINCRBY": (2.5, self.g_hincrby, False),
            "HINCRBYFLOAT": (2, self.g_hincrbyfloat, False),
            "HRANDFIELD": (2, self.g_hrandfield, False), "HSCAN": (1.5, self.g_hscan, False),
        }

    # -- arguments ----------------------------------------------------------------------------

    def hash_key(self):
        return self.key("hashes")

    def field(self, read=False):
        return self.pooled("hashes", lambda: self.element(ints=0.2, long_rate=0.01), read)

    def hash_value(self):
        r = self.rng.random()
        if r < 0.25:
            return self.small_int(-5, 100)
        if r < 0.35:
            return self.rng.choice(HASH_NUMBERS)
        return self.element(ints=0.1, long_rate=0.015)

    def field_values(self):
        if self.rng.random() < 0.02:
            fields = self.bulk_elements(130, self.rng.random() < 0.3, "hashes")
            args = []
            for f in fields:
                args += [f, self.hash_value()]
            return args
        args = []
        for _ in range(self.rng.choices([1, 2, 3], [60, 30, 10])[0]):
            args += [self.field(), self.hash_value()]
        return args

    def scan_tail(self, args):
        """Cursor 0 (or a malformed one) and MATCH / COUNT options, for HSCAN/SSCAN/ZSCAN."""
        r = self.rng.random()
        args.append(b"0" if r < 0.9 else self.rng.choice(BAD_CURSORS if r < 0.96
                                                          else OTHER_CURSORS))
        for _ in range(self.rng.choices([0, 1, 2, 3], [40, 35, 20, 5])[0]):
            kind = self.rng.choices(["MATCH", "COUNT", "bogus"], [10, 10, 1])[0]
            if kind == "MATCH":
                args += [self.option("MATCH"), self.rng.choice(MATCH_PATTERNS)]
            elif kind == "COUNT":
                args += [self.option("COUNT"), self.rng.choice(SCAN_COUNTS)]
            else:
                args.append(self.rng.choice([b"NOVALUES", b"", b"TYPE"]))
        return args

    def random_count(self, with_pairs):
        """A count for SRANDMEMBER/HRANDFIELD/ZRANDMEMBER: never a large negative one that
        Redis would honour (see the module contract of diff_fuzz_gen)."""
        r = self.rng.random()
        if r < 0.08:
            edges = [b"9223372036854775807", b"-9223372036854775808", b"9223372036854775808",
                     b"abc", b"", b"1.5", b"0x2"]
            if with_pairs:
                # Refused below -LONG_MAX/2 with values or scores; without them Redis would
                # build that many, so the step must not lose its last argument to a mutation.
                edges += [b"-9223372036854775807", b"-4611686018427387904"]
            count = self.rng.choice(edges)
            if count.startswith(b"-92233720368547758") or count.startswith(b"-46"):
                self.fragile = True
            return count
        if r < 0.15:
            return str(self.rng.choice([1, -1]) * self.rng.randint(100, 300)).encode()
        return self.small_int(-6, 8)

    # -- commands -----------------------------------------------------------------------------

    def g_hset(self):
        return [b"HSET", self.hash_key()] + self.field_values(), "exact"

    def g_hsetnx(self):
        return [b"HSETNX", self.hash_key(), self.field(), self.hash_value()], "exact"

    def g_hget(self):
        return [b"HGET", self.hash_key(), self.field(True)], "exact"

    def g_hmget(self):
        return [b"HMGET", self.hash_key()] + [self.field(True)
                                              for _ in range(self.rng.randint(1, 4))], "exact"

    def g_hmset(self):
        return [b"HMSET", self.hash_key()] + self.field_values(), "exact"

    def g_hgetall(self):
        return [b"HGETALL", self.hash_key()], "hgetall"

    def g_hdel(self):
        return [b"HDEL", self.hash_key()] + [self.field(True)
                                             for _ in range(self.rng.randint(1, 3))], "exact"

    def g_hexists(self):
        return [b"HEXISTS", self.hash_key(), self.field(True)], "exact"

    def g_hkeys(self):
        return [b"HKEYS", self.hash_key()], "hkeys"

    def g_hvals(self):
        return [b"HVALS", self.hash_key()], "hkeys"

    def g_hlen(self):
        return [b"HLEN", self.hash_key()], "exact"

    def g_hstrlen(self):
        return [b"HSTRLEN", self.hash_key(), self.field(True)], "exact"

    def g_hincrby(self):
        return [b"HINCRBY", self.hash_key(), self.field(), self.int_arg(-100, 100, edge=0.2)], \
            "exact"

    def g_hincrbyfloat(self):
        if self.rng.random() < 0.5:
            amount = self.float_arg()
        else:
            amount = ("%.*f" % (self.rng.randint(0, 4), self.rng.uniform(-100, 100))).encode()
        return [b"HINCRBYFLOAT", self.hash_key(), self.field(), amount], "exact"

    def g_hrandfield(self):
        args = [b"HRANDFIELD", self.hash_key()]
        r = self.rng.random()
        if r < 0.75:
            with_values = r < 0.35
            args.append(self.random_count(with_values))
            if with_values:
                args.append(self.option("WITHVALUES") if self.rng.random() < 0.95
                            else self.rng.choice([b"WITHSCORES", b"VALUES", b""]))
        return args, "hrandfield"

    def g_hscan(self):
        return self.scan_tail([b"HSCAN", self.hash_key()]), "hscan"
