"""Set commands for the differential fuzzer's Generator (a mixin: see diff_fuzz_gen.py for the
contract and the shared helpers).

Sets are "intset" (ascending order) while every member is a canonical integer and there are at
most 512, then "hashtable" (an order of its own in each process). Replies that list members are
compared with the order-aware rules "smembers", "sinter", "sunion" and "sdiff"; SRANDMEMBER,
SPOP and SSCAN with "srandmember", "spop" and "sscan"; everything else byte for byte. Members
are mostly small integers, so many sets stay intsets; a few SADDs add 130 names or 520 integers
at once.
"""


class SetCommands:

    def set_table(self):
        return {
            "SADD": (8, self.g_sadd, False), "SREM": (3, self.g_srem, False),
            "SMEMBERS": (2.5, self.g_smembers, False), "SISMEMBER": (2, self.g_sismember, False),
            "SMISMEMBER": (1.5, self.g_smismember, False), "SCARD": (1.5, self.g_scard, False),
            "SPOP": (2, self.g_spop, False), "SRANDMEMBER": (2, self.g_srandmember, False),
            "SINTER": (2, self.g_sinter, True), "SUNION": (2, self.g_sunion, True),
            "SDIFF": (2, self.g_sdiff, True), "SINTERCARD": (2, self.g_sintercard, True),
            "SSCAN": (1.5, self.g_sscan, False), "SMOVE": (2, self.g_smove, False),
            "SINTERSTORE": (1.5, self.g_sinterstore, True),
            "SUNIONSTORE": (1.5, self.g_sunionstore, True),
            "SDIFFSTORE": (1.5, self.g_sdiffstore, True),
        }

    # -- arguments ----------------------------------------------------------------------------

    def set_key(self):
        return self.key("sets")

    def member(self, read=False):
        return self.pooled("sets", lambda: self.element(ints=0.6, long_rate=0.01), read)

    def set_members(self):
        r = self.rng.random()
        if r < 0.01:
            return self.bulk_elements(520, True, "sets")
        if r < 0.025:
            return self.bulk_elements(130, self.rng.random() < 0.6, "sets")
        return [self.member() for _ in range(self.rng.choices([1, 2, 3, 4], [45, 30, 15, 10])[0])]

    def set_sources(self, low=1, high=3):
        """Keys of a set-algebra command, from anywhere (they all run across shards)."""
        return self.keys_across(self.rng.randint(low, high), "sets")

    # -- commands -----------------------------------------------------------------------------

    def g_sadd(self):
        return [b"SADD", self.set_key()] + self.set_members(), "exact"

    def g_srem(self):
        return [b"SREM", self.set_key()] + [self.member(True)
                                            for _ in range(self.rng.randint(1, 3))], "exact"

    def g_smembers(self):
        return [b"SMEMBERS", self.set_key()], "smembers"

    def g_sismember(self):
        return [b"SISMEMBER", self.set_key(), self.member(True)], "exact"

    def g_smismember(self):
        return [b"SMISMEMBER", self.set_key()] + [self.member(True)
                                                  for _ in range(self.rng.randint(1, 4))], "exact"

    def g_scard(self):
        return [b"SCARD", self.set_key()], "exact"

    def g_spop(self):
        args = [b"SPOP", self.set_key()]
        if self.rng.random() < 0.6:
            args.append(self.count_arg(-1, 6))
        return args, "spop"

    def g_srandmember(self):
        args = [b"SRANDMEMBER", self.set_key()]
        if self.rng.random() < 0.75:
            args.append(self.random_count(False))
        return args, "srandmember"

    def g_sinter(self):
        return [b"SINTER"] + self.set_sources(), "sinter"

    def g_sunion(self):
        return [b"SUNION"] + self.set_sources(), "sunion"

    def g_sdiff(self):
        return [b"SDIFF"] + self.set_sources(), "sdiff"

    def g_sintercard(self):
        keys = self.set_sources()
        tail = []
        if self.rng.random() < 0.4:
            limit = self.count_arg(-1, 4, edges=[b"-9223372036854775808", b"abc", b"",
                                                 b"9223372036854775807", b"-1"])
            tail = [self.option("LIMIT"), limit]
        elif self.rng.random() < 0.03:
            tail = [self.rng.choice([b"LIMIT", b"COUNT", b""])]
        return [b"SINTERCARD", self.numkeys(len(keys), len(tail))] + keys + tail, "exact"

    def g_sscan(self):
        return self.scan_tail([b"SSCAN", self.set_key()]), "sscan"

    def g_smove(self):
        return [b"SMOVE"] + self.keys_across(2, "sets") + [self.member(True)], "exact"

    def _store(self, name):
        keys = self.set_sources(2, 4)   # destination, then 1 to 3 sources
        return [name] + keys, "exact"

    def g_sinterstore(self):
        return self._store(b"SINTERSTORE")

    def g_sunionstore(self):
        return self._store(b"SUNIONSTORE")

    def g_sdiffstore(self):
        return self._store(b"SDIFFSTORE")
