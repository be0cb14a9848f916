"""Sorted-set commands for the differential fuzzer's Generator (a mixin: see diff_fuzz_gen.py for
the contract and the shared helpers).

Sorted sets are "listpack" up to 128 members of at most 64 bytes, then "skiplist"; either way
their order is defined (score, then member), so every reply is compared byte for byte except
ZRANDMEMBER ("zrandmember") and ZSCAN ("zscan"). Scores are mostly small integers (many ties,
so the member order matters), with fractions, signed zeros, infinities and malformed floats;
range bounds include "(" exclusive bounds, lex bounds ("-", "+", "[a", "(a", and malformed ones)
and LIMIT offsets and counts that are negative, zero or huge. A few ZADDs add 130 members.
Lex-range commands (ZRANGEBYLEX, ZREVRANGEBYLEX, ZLEXCOUNT, ZREMRANGEBYLEX, ZRANGE and
ZRANGESTORE with BYLEX) use the "zlex" rule: their result is unspecified when the members have
different scores, and then depends on a skiplist's random levels.

The commands with several keys (ZRANGESTORE, ZUNIONSTORE, ..., ZMPOP and the blocking BZPOPMIN,
BZPOPMAX and BZMPOP) take them from anywhere; the blocking ones get the timeouts of
Generator.timeout_arg (nil after 0.01 to 0.05 s on empty keys, at once inside MULTI).
"""

SCORES = [b"1.5", b"-0.25", b"0.1", b"3.0e-5", b"-0", b"0", b"+5", b"1e308", b"-1e308",
          b"inf", b"-inf", b"+inf", b"1.7976931348623157e308", b"4.9e-324", b"2.5", b"-2.5",
          b"10.50", b".5", b"5.", b"1E2", b"0x1p3", b"-INF", b"Infinity"]
BAD_SCORES = [b"nan", b"abc", b"", b"1e", b"(1", b"1_0", b" 1", b"1 ", b"--1", b"NaN", b"+nan"]

BAD_BOUNDS = [b"abc", b"", b"((1", b"[1", b"(", b"nan", b"(nan", b"1x", b" 1"]
LEX_BAD = [b"a", b"", b"1", b"*", b"-a", b"+a"]

OFFSETS = [b"0", b"1", b"2", b"5", b"-1", b"-5", b"9223372036854775807",
           b"-9223372036854775808", b"abc", b"", b"1.5"]
LIMIT_COUNTS = [b"-1", b"0", b"1", b"2", b"3", b"10", b"9223372036854775807",
                b"-9223372036854775808", b"abc", b""]

WEIGHTS = [b"1", b"2", b"0", b"-1", b"0.5", b"-0.5", b"inf", b"-inf", b"1e308"]
BAD_WEIGHTS = [b"nan", b"abc", b"", b"1x"]
AGGREGATES = [b"SUM", b"MIN", b"MAX", b"sum", b"max"]


def lex_check(options):
    """Lex ranges over members with different scores are unspecified in Redis, and differ
    between two redis-servers on a skiplist: such steps get the "zlex" rule."""
    return "zlex" if any(a.upper() == b"BYLEX" for a in options) else "exact"


class ZsetCommands:

    def zset_table(self):
        return {
            "ZADD": (9, self.g_zadd, False), "ZINCRBY": (2.5, self.g_zincrby, False),
            "ZREM": (2, self.g_zrem, False), "ZSCORE": (2, self.g_zscore, False),
            "ZMSCORE": (1.5, self.g_zmscore, False), "ZCARD": (1, self.g_zcard, False),
            "ZCOUNT": (1.5, self.g_zcount, False), "ZLEXCOUNT": (1.5, self.g_zlexcount, False),
            "ZRANK": (1.5, self.g_zrank, False), "ZREVRANK": (1, self.g_zrevrank, False),
            "ZRANGE": (5, self.g_zrange, False), "ZRANGESTORE": (2, self.g_zrangestore, False),
            "ZRANGEBYSCORE": (2, self.g_zrangebyscore, False),
            "ZREVRANGEBYSCORE": (1.5, self.g_zrevrangebyscore, False),
            "ZRANGEBYLEX": (1.5, self.g_zrangebylex, False),
            "ZREVRANGEBYLEX": (1, self.g_zrevrangebylex, False),
            "ZREVRANGE": (1, self.g_zrevrange, False), "ZPOPMIN": (1.5, self.g_zpopmin, False),
            "ZPOPMAX": (1.5, self.g_zpopmax, False),
            "ZREMRANGEBYRANK": (1, self.g_zremrangebyrank, False),
            "ZREMRANGEBYSCORE": (1, self.g_zremrangebyscore, False),
            "ZREMRANGEBYLEX": (1, self.g_zremrangebylex, False),
            "ZRANDMEMBER": (2, self.g_zrandmember, False), "ZSCAN": (1.5, self.g_zscan, False),
            "ZUNION": (1.5, self.g_zunion, True), "ZINTER": (1.5, self.g_zinter, True),
            "ZDIFF": (1.5, self.g_zdiff, True), "ZUNIONSTORE": (1.5, self.g_zunionstore, True),
            "ZINTERSTORE": (1.5, self.g_zinterstore, True),
            "ZDIFFSTORE": (1.5, self.g_zdiffstore, True), "ZMPOP": (2, self.g_zmpop, True),
            "BZPOPMIN": (0.6, self.g_bzpopmin, False), "BZPOPMAX": (0.6, self.g_bzpopmax, False),
            "BZMPOP": (0.7, self.g_bzmpop, False),
        }

    # -- arguments ----------------------------------------------------------------------------

    def zset_key(self):
        return self.key("zsets")

    def lex_key(self):
        """The key for lex-range commands: 60% of the time the third sorted-set name, whose
        members mostly all have score 0 (ZADD and ZINCRBY keep to it), so that lex ranges are
        specified there."""
        return self._family_keys["zsets"][2] if self.rng.random() < 0.6 else self.zset_key()

    def score_for(self, key):
        """A score for ZADD / ZINCRBY: "0" on the lex key 90% of the time."""
        if key == self._family_keys["zsets"][2] and self.rng.random() < 0.9:
            return b"0"
        return self.score()

    def zmember(self, read=False):
        return self.pooled("zsets", lambda: self.element(ints=0.2, long_rate=0.012), read)

    def score(self, bad=0.03):
        r = self.rng.random()
        if r < bad:
            return self.rng.choice(BAD_SCORES)
        if r < 0.7:
            return self.small_int(-3, 10)
        if r < 0.85:
            return self.rng.choice(SCORES)
        return ("%.*f" % (self.rng.randint(1, 3), self.rng.uniform(-10, 10))).encode()

    def score_bound(self):
        r = self.rng.random()
        if r < 0.05:
            return self.rng.choice(BAD_BOUNDS)
        if r < 0.2:
            return self.rng.choice([b"-inf", b"+inf", b"inf", b"(-inf", b"(+inf", b"(inf",
                                    b"-INF", b"+Inf"])
        bound = self.score(bad=0.0)
        return b"(" + bound if self.rng.random() < 0.3 else bound

    def score_bounds(self, rev=False):
        """Two score bounds, most of the time in the order that selects something (max first
        for the REV forms)."""
        bounds = [self.score_bound(), self.score_bound()]
        if self.rng.random() < 0.7:
            try:
                bounds.sort(key=lambda b: float(b.lstrip(b"(")))
            except ValueError:
                pass
            if rev:
                bounds.reverse()
        return bounds

    def lex_bounds(self, rev=False):
        bounds = [self.lex_bound(), self.lex_bound()]
        if self.rng.random() < 0.7:
            order = {b"-": b"", b"+": b"\xff" * 8}
            bounds.sort(key=lambda b: order.get(b, b[1:]))
            if rev:
                bounds.reverse()
        return bounds

    def lex_bound(self):
        r = self.rng.random()
        if r < 0.05:
            return self.rng.choice(LEX_BAD)
        if r < 0.3:
            return self.rng.choice([b"-", b"+"])
        return self.rng.choice([b"[", b"("]) + self.zmember(True)

    def rank_bound(self):
        if self.rng.random() < 0.04:
            return self.rng.choice([b"9223372036854775807", b"-9223372036854775808", b"abc",
                                    b"", b"1.5", b"4294967296"])
        return self.small_int(-8, 8)

    def limit(self):
        return [self.option("LIMIT"), self.rng.choice(OFFSETS) if self.rng.random() < 0.4
                else self.small_int(0, 4),
                self.rng.choice(LIMIT_COUNTS) if self.rng.random() < 0.4
                else self.small_int(-1, 5)]

    def score_pairs(self, key):
        if self.rng.random() < 0.02:
            flat = self.score_for(key) == b"0"
            pairs = []
            for m in self.bulk_elements(130, self.rng.random() < 0.3, "zsets"):
                pairs += [b"0" if flat else self.small_int(-50, 50), m]
            return pairs
        pairs = []
        for _ in range(self.rng.choices([1, 2, 3], [60, 28, 12])[0]):
            pairs += [self.score_for(key), self.zmember()]
        return pairs

    def zset_or_set_key(self):
        return self.key("sets") if self.rng.random() < 0.15 else self.zset_key()

    # -- commands -----------------------------------------------------------------------------

    def g_zadd(self):
        args = [b"ZADD", self.zset_key()]
        if self.rng.random() < 0.35:
            flags = ["NX", "XX", "GT", "LT", "CH", "INCR"]
            for _ in range(self.rng.choices([1, 2, 3], [60, 30, 10])[0]):
                args.append(self.option(self.rng.choice(flags)))
        if self.rng.random() < 0.02:
            args.append(self.rng.choice([b"GE", b"", b"INCRBY"]))
        if b"INCR" in [a.upper() for a in args[2:]] and self.rng.random() < 0.85:
            args += [self.score_for(args[1]), self.zmember()]
        else:
            args += self.score_pairs(args[1])
        return args, "exact"

    def g_zincrby(self):
        key = self.zset_key()
        return [b"ZINCRBY", key, self.score_for(key), self.zmember()], "exact"

    def g_zrem(self):
        return [b"ZREM", self.zset_key()] + [self.zmember(True)
                                             for _ in range(self.rng.randint(1, 3))], "exact"

    def g_zscore(self):
        return [b"ZSCORE", self.zset_key(), self.zmember(True)], "exact"

    def g_zmscore(self):
        return [b"ZMSCORE", self.zset_key()] + [self.zmember(True)
                                                for _ in range(self.rng.randint(1, 4))], "exact"

    def g_zcard(self):
        return [b"ZCARD", self.zset_key()], "exact"

    def g_zcount(self):
        return [b"ZCOUNT", self.zset_key()] + self.score_bounds(), "exact"

    def g_zlexcount(self):
        return [b"ZLEXCOUNT", self.lex_key()] + self.lex_bounds(), "zlex"

    def g_zrank(self):
        return [b"ZRANK", self.zset_key(), self.zmember(True)], "exact"

    def g_zrevrank(self):
        return [b"ZREVRANK", self.zset_key(), self.zmember(True)], "exact"

    def _zrange_tail(self, with_scores):
        """Bounds and options of ZRANGE / ZRANGESTORE: index, BYSCORE or BYLEX, REV, LIMIT,
        WITHSCORES, in any order, with conflicting and repeated options now and then."""
        mode = self.rng.choices(["index", "BYSCORE", "BYLEX"], [40, 35, 25])[0]
        if self.rng.random() < 0.05:   # bounds of another mode
            mode_for_bounds = self.rng.choice(["index", "BYSCORE", "BYLEX"])
        else:
            mode_for_bounds = mode
        rev = self.rng.random() < 0.3
        if mode_for_bounds == "BYSCORE":
            args = self.score_bounds(rev)
        elif mode_for_bounds == "BYLEX":
            args = self.lex_bounds(rev)
        else:
            args = [self.rank_bound(), self.rank_bound()]
        options = []
        if mode != "index":
            options.append([self.option(mode)])
        if rev:
            options.append([self.option("REV")])
        if self.rng.random() < (0.35 if mode != "index" else 0.05):
            options.append(self.limit())
        if self.rng.random() < (0.03 if not with_scores or mode == "BYLEX" else 0.4):
            options.append([self.option("WITHSCORES")])
        if self.rng.random() < 0.04:
            options.append([self.rng.choice([b"BYSCORE", b"BYLEX", b"REV", b"LIMIT", b"BYRANK",
                                             b""])])
        if self.rng.random() < 0.3:
            self.rng.shuffle(options)
        for option in options:
            args += option
        return args

    def g_zrange(self):
        tail = self._zrange_tail(True)
        check = lex_check(tail)
        return [b"ZRANGE", self.lex_key() if check == "zlex" else self.zset_key()] + tail, check

    def g_zrangestore(self):
        tail = self._zrange_tail(False)
        return [b"ZRANGESTORE"] + self.keys_across(2, "zsets") + tail, lex_check(tail)

    def _by_score(self, name, with_scores):
        args = [name, self.zset_key()] + self.score_bounds(name.startswith(b"ZREV"))
        options = []
        if with_scores and self.rng.random() < 0.4:
            options.append([self.option("WITHSCORES")])
        if self.rng.random() < 0.35:
            options.append(self.limit())
        if self.rng.random() < 0.3:
            self.rng.shuffle(options)
        for option in options:
            args += option
        return args, "exact"

    def g_zrangebyscore(self):
        return self._by_score(b"ZRANGEBYSCORE", True)

    def g_zrevrangebyscore(self):
        return self._by_score(b"ZREVRANGEBYSCORE", True)

    def _by_lex(self, name):
        args = [name, self.lex_key()] + self.lex_bounds(name.startswith(b"ZREV"))
        if self.rng.random() < 0.35:
            args += self.limit()
        elif self.rng.random() < 0.03:
            args.append(self.option("WITHSCORES"))
        return args, "zlex"

    def g_zrangebylex(self):
        return self._by_lex(b"ZRANGEBYLEX")

    def g_zrevrangebylex(self):
        return self._by_lex(b"ZREVRANGEBYLEX")

    def g_zrevrange(self):
        args = [b"ZREVRANGE", self.zset_key(), self.rank_bound(), self.rank_bound()]
        if self.rng.random() < 0.4:
            args.append(self.option("WITHSCORES"))
        return args, "exact"

    def _zpop(self, name):
        args = [name, self.zset_key()]
        if self.rng.random() < 0.5:
            args.append(self.count_arg(-1, 5))
        return args, "exact"

    def g_zpopmin(self):
        return self._zpop(b"ZPOPMIN")

    def g_zpopmax(self):
        return self._zpop(b"ZPOPMAX")

    def g_zremrangebyrank(self):
        return [b"ZREMRANGEBYRANK", self.zset_key(), self.rank_bound(), self.rank_bound()], \
            "exact"

    def g_zremrangebyscore(self):
        return [b"ZREMRANGEBYSCORE", self.zset_key()] + self.score_bounds(), "exact"

    def g_zremrangebylex(self):
        return [b"ZREMRANGEBYLEX", self.lex_key()] + self.lex_bounds(), "zlex"

    def g_zrandmember(self):
        args = [b"ZRANDMEMBER", self.zset_key()]
        r = self.rng.random()
        if r < 0.75:
            with_scores = r < 0.35
            args.append(self.random_count(with_scores))
            if with_scores:
                args.append(self.option("WITHSCORES") if self.rng.random() < 0.95
                            else self.rng.choice([b"WITHVALUES", b"SCORES", b""]))
        return args, "zrandmember"

    def g_zscan(self):
        return self.scan_tail([b"ZSCAN", self.zset_key()]), "zscan"

    def _sources(self):
        """Source keys from anywhere, now and then a set (ZUNION and the like take sets)."""
        count = self.rng.choices([1, 2, 3], [30, 50, 20])[0]
        return [self.zset_or_set_key() for _ in range(count)]

    def _weights_aggregate(self, keys, aggregate=True):
        tail = []
        if self.rng.random() < 0.3:
            count = len(keys) if self.rng.random() < 0.9 else max(0, len(keys) + self.rng.choice(
                [-1, 1]))
            weights = [self.rng.choice(WEIGHTS) if self.rng.random() < 0.97
                       else self.rng.choice(BAD_WEIGHTS) for _ in range(count)]
            tail.append([self.option("WEIGHTS")] + weights)
        if aggregate and self.rng.random() < 0.3:
            word = self.rng.choice(AGGREGATES) if self.rng.random() < 0.95 \
                else self.rng.choice([b"AVG", b""])
            tail.append([self.option("AGGREGATE"), word])
        return tail

    def _combine(self, name, with_weights):
        keys = self._sources()
        options = self._weights_aggregate(keys) if with_weights else []
        if self.rng.random() < 0.4:
            options.append([self.option("WITHSCORES")])
        if self.rng.random() < 0.3:
            self.rng.shuffle(options)
        tail = [a for option in options for a in option]
        return [name, self.numkeys(len(keys), len(tail))] + keys + tail, "exact"

    def g_zunion(self):
        return self._combine(b"ZUNION", True)

    def g_zinter(self):
        return self._combine(b"ZINTER", True)

    def g_zdiff(self):
        return self._combine(b"ZDIFF", False)

    def _combine_store(self, name, with_weights):
        dest = self.zset_key()
        keys = self._sources()
        if self.rng.random() < 0.1:
            keys[self.rng.randrange(len(keys))] = dest
        options = self._weights_aggregate(keys) if with_weights else []
        if self.rng.random() < 0.03:
            options.append([self.option("WITHSCORES")])
        if self.rng.random() < 0.3:
            self.rng.shuffle(options)
        tail = [a for option in options for a in option]
        return [name, dest, self.numkeys(len(keys), len(tail))] + keys + tail, "exact"

    def g_zunionstore(self):
        return self._combine_store(b"ZUNIONSTORE", True)

    def g_zinterstore(self):
        return self._combine_store(b"ZINTERSTORE", True)

    def g_zdiffstore(self):
        return self._combine_store(b"ZDIFFSTORE", False)

    def g_zmpop(self):
        return self.mpop(b"ZMPOP", "zsets", ("MIN", "MAX"))

    def g_bzmpop(self):
        return self.mpop(b"BZMPOP", "zsets", ("MIN", "MAX"), self.timeout_arg())

    def _bzpop(self, name):
        keys = [self.zset_or_set_key() for _ in range(self.rng.choices([1, 2, 3], [50, 35, 15])[0])]
        return [name] + keys + [self.timeout_arg()], "exact"

    def g_bzpopmin(self):
        return self._bzpop(b"BZPOPMIN")

    def g_bzpopmax(self):
        return self._bzpop(b"BZPOPMAX")
