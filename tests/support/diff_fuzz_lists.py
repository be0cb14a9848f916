"""List commands for the differential fuzzer's Generator (a mixin: see diff_fuzz_gen.py for the
contract and the shared helpers self.rng, self.key, self.element, self.count_arg, ...).

Lists are always "quicklist" in Redis 7.0, so every reply here is deterministic and compared
byte for byte. Elements are mostly small and drawn from small pools (so LREM, LPOS and LINSERT
find them); a few pushes add 130 elements at once, or one element of 4 to 9 KiB, so that lists
span several 8 KiB quicklist nodes.

The commands with several keys (LMOVE, RPOPLPUSH, LMPOP and the blocking ones) take them from
anywhere, the same key twice now and then. The blocking commands (BLPOP, BRPOP, BLMOVE,
BRPOPLPUSH, BLMPOP) get the timeouts of Generator.timeout_arg: on empty keys both servers
answer nil after 0.01 to 0.05 s (or at once inside MULTI).
"""

# Index arguments: around the usual list sizes, the extremes, and malformed integers.
INDEX_EDGES = [b"9223372036854775807", b"-9223372036854775808", b"9223372036854775808",
               b"-9223372036854775809", b"4294967296", b"-4294967296", b"abc", b"", b"1.0",
               b" 1", b"+1", b"0x1"]


class ListCommands:

    def list_table(self):
        return {
            "LPUSH": (6, self.g_lpush, False), "RPUSH": (6, self.g_rpush, False),
            "LPUSHX": (1, self.g_lpushx, False), "RPUSHX": (1, self.g_rpushx, False),
            "LPOP": (2, self.g_lpop, False), "RPOP": (2, self.g_rpop, False),
            "LRANGE": (4, self.g_lrange, False), "LLEN": (1, self.g_llen, False),
            "LINDEX": (2, self.g_lindex, False), "LSET": (2, self.g_lset, False),
            "LREM": (2, self.g_lrem, False), "LINSERT": (2, self.g_linsert, False),
            "LTRIM": (1.5, self.g_ltrim, False), "LPOS": (3, self.g_lpos, False),
            "LMOVE": (2, self.g_lmove, False), "RPOPLPUSH": (1, self.g_rpoplpush, False),
            "LMPOP": (2.5, self.g_lmpop, True), "BLPOP": (0.7, self.g_blpop, False),
            "BRPOP": (0.5, self.g_brpop, False), "BLMOVE": (0.6, self.g_blmove, False),
            "BRPOPLPUSH": (0.4, self.g_brpoplpush, False), "BLMPOP": (0.7, self.g_blmpop, False),
        }

    # -- arguments ----------------------------------------------------------------------------

    def list_key(self):
        return self.key("lists")

    def list_element(self, read=False):
        if not read and self.rng.random() < 0.003:
            return b"Q" * self.rng.randint(4000, 9000)
        return self.pooled("lists", lambda: self.element(ints=0.3), read)

    def list_elements(self):
        if self.rng.random() < 0.02:
            return self.bulk_elements(130, self.rng.random() < 0.5, "lists")
        return [self.list_element() for _ in range(self.rng.randint(1, 4))]

    def list_index(self, edge=0.08):
        if self.rng.random() < edge:
            return self.rng.choice(INDEX_EDGES)
        if self.rng.random() < 0.1:
            return self.small_int(-200, 200)
        return self.small_int(-12, 12)

    def side(self):
        r = self.rng.random()
        if r < 0.03:
            return self.rng.choice([b"UP", b"", b"LEFTT", b"0"])
        return self.option(self.rng.choice(["LEFT", "RIGHT"]))

    # -- commands -----------------------------------------------------------------------------

    def g_lpush(self):
        return [b"LPUSH", self.list_key()] + self.list_elements(), "exact"

    def g_rpush(self):
        return [b"RPUSH", self.list_key()] + self.list_elements(), "exact"

    def g_lpushx(self):
        return [b"LPUSHX", self.list_key()] + self.list_elements(), "exact"

    def g_rpushx(self):
        return [b"RPUSHX", self.list_key()] + self.list_elements(), "exact"

    def _pop(self, name):
        args = [name, self.list_key()]
        if self.rng.random() < 0.5:
            args.append(self.count_arg(-2, 6))
        return args, "exact"

    def g_lpop(self):
        return self._pop(b"LPOP")

    def g_rpop(self):
        return self._pop(b"RPOP")

    def g_lrange(self):
        return [b"LRANGE", self.list_key(), self.list_index(), self.list_index()], "exact"

    def g_llen(self):
        return [b"LLEN", self.list_key()], "exact"

    def g_lindex(self):
        return [b"LINDEX", self.list_key(), self.list_index()], "exact"

    def g_lset(self):
        return [b"LSET", self.list_key(), self.list_index(), self.list_element()], "exact"

    def g_lrem(self):
        return [b"LREM", self.list_key(), self.count_arg(-3, 3), self.list_element(True)], "exact"

    def g_linsert(self):
        where = self.option(self.rng.choice(["BEFORE", "AFTER"])) if self.rng.random() < 0.95 \
            else self.rng.choice([b"BEHIND", b"", b"LEFT"])
        pivot = self.list_element(True)
        return [b"LINSERT", self.list_key(), where, pivot, self.list_element()], "exact"

    def g_ltrim(self):
        return [b"LTRIM", self.list_key(), self.list_index(), self.list_index()], "exact"

    def g_lpos(self):
        args = [b"LPOS", self.list_key(), self.list_element(True)]
        for _ in range(self.rng.choices([0, 1, 2, 3], [35, 35, 20, 10])[0]):
            kind = self.rng.choices(["RANK", "COUNT", "MAXLEN", "bogus"], [10, 10, 6, 1])[0]
            if kind == "RANK":
                rank = self.count_arg(-4, 4, edges=[b"0", b"-9223372036854775808",
                                                    b"9223372036854775807", b"abc", b""])
                args += [self.option("RANK"), rank]
            elif kind == "COUNT":
                args += [self.option("COUNT"), self.count_arg(-1, 4)]
            elif kind == "MAXLEN":
                args += [self.option("MAXLEN"), self.count_arg(-1, 10)]
            else:
                args.append(self.rng.choice([b"FIRST", b"", b"RANK"]))
        return args, "exact"

    def g_lmove(self):
        return [b"LMOVE"] + self.keys_across(2, "lists") + [self.side(), self.side()], "exact"

    def g_rpoplpush(self):
        return [b"RPOPLPUSH"] + self.keys_across(2, "lists"), "exact"

    def mpop_tail(self, where):
        """The end of LMPOP / ZMPOP / BLMPOP / BZMPOP after the keys: LEFT|RIGHT (MIN|MAX), then
        COUNT now and then, with repeated, misplaced and malformed options now and then."""
        r = self.rng.random()
        if r < 0.04:
            tail = [self.rng.choice([b"UP", b"", b"COUNT", b"LEFTT", b"MINIMUM", b"1"])]
        else:
            tail = [self.option(self.rng.choice(where))]
        if self.rng.random() < 0.45:
            count = self.count_arg(1, 6, edges=[b"0", b"-1", b"9223372036854775807", b"abc",
                                                b"", b"1.5", b"9223372036854775808"])
            tail += [self.option("COUNT"), count]
            if self.rng.random() < 0.04:
                tail += [self.option("COUNT"), b"1"]
        elif self.rng.random() < 0.03:
            tail.append(self.rng.choice([b"COUNT", b"LIMIT", self.option(where[1])]))
        return tail

    def mpop(self, name, family, where, timeout=None):
        keys = self.keys_across(self.rng.choices([1, 2, 3], [50, 35, 15])[0], family)
        tail = self.mpop_tail(where)
        head = [name] if timeout is None else [name, timeout]
        return head + [self.numkeys(len(keys), len(tail))] + keys + tail, "exact"

    def g_lmpop(self):
        return self.mpop(b"LMPOP", "lists", ("LEFT", "RIGHT"))

    def g_blmpop(self):
        return self.mpop(b"BLMPOP", "lists", ("LEFT", "RIGHT"), self.timeout_arg())

    def _bpop(self, name):
        keys = self.keys_across(self.rng.choices([1, 2, 3], [50, 35, 15])[0], "lists")
        return [name] + keys + [self.timeout_arg()], "exact"

    def g_blpop(self):
        return self._bpop(b"BLPOP")

    def g_brpop(self):
        return self._bpop(b"BRPOP")

    def g_blmove(self):
        return [b"BLMOVE"] + self.keys_across(2, "lists") + [self.side(), self.side(),
                                                             self.timeout_arg()], "exact"

    def g_brpoplpush(self):
        return [b"BRPOPLPUSH"] + self.keys_across(2, "lists") + [self.timeout_arg()], "exact"
