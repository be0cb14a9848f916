"""Seeded generator of random commands for the differential fuzzer: strings, keyspace, lists,
hashes, sets, sorted sets and transactions.

tools/diff_fuzz.py sends each generated command to redis-server 7.0 and to the server under
test and compares the replies; this module only decides what to send and how to compare it.
The other commands live in diff_fuzz_keyspace.py, diff_fuzz_lists.py, diff_fuzz_hashes.py,
diff_fuzz_sets.py, diff_fuzz_zsets.py and diff_fuzz_txn.py (mixins of Generator); this file
holds the keyspace, the shared argument helpers and the string commands.

Contract:
  * Generator(seed, ...) yields the same Step sequence for the same seed and options, on any
    machine: every random choice comes from one random.Random(seed).
  * A Step is (name, args, check, inner, queued). `name` is the command name used for
    coverage counts ("OBJECT" for all OBJECT subcommands), `args` is a list of bytes sent as
    one RESP array, `check` says how the runner compares the two replies (see CHECKS).
    `queued` is True for a step sent inside MULTI: its own reply (+QUEUED or a queue-time
    error) is compared byte for byte, and `check` applies to its reply inside the EXEC array.
    `inner` is set on the MULTI and the EXEC of a transaction block: the steps between them.
  * Transaction blocks (diff_fuzz_txn.py) come out of next_step() one step at a time, like any
    other step; their contract (where a step whose rule looks at the keyspace may stand) is in
    that module.
  * Keys come from a fixed keyspace of 15 names, two of them binary and one empty. Each
    family prefers three of them (FAMILY_KEYS) so that its commands mostly find a key of
    their own type, and sometimes take any other name (WRONGTYPE). No argument in a key
    position is ever anything but one of those names, except with the plain layout (one
    shard) where a wrong numkeys may turn an option word into a key, as in Redis.
  * Elements (list elements, fields, members) come from small pools; reads mostly name an
    element the same family wrote lately, so that they find something.
  * A generator that builds a step a mutation could make unsafe (an HRANDFIELD whose count
    Redis refuses only because of its WITHVALUES) sets self.fragile; such a step is never
    mutated.
  * Key layouts, for a sharded server (--cores > 1):
      - plain: the names as they are; only for one shard, or for redis-server.
      - hashtag=True: every name contains "{t}", so all keys live on one shard and every
        multi-key command is valid.
      - spread=True: the names carry one of four tags (SPREAD_TAGS), so they live on several
        shards. Every multi-key command generated here runs across shards on a sharded server
        (CROSS_SHARD) and takes its keys from anywhere, and so do WATCH and the commands of a
        transaction block.
  * Timing never changes a reply:
      - every positive relative expiry is at least 1000 s, and no two relative expiries of one
        run are closer than 1000 s, so EXPIRE ... GT/LT compares the same way on two servers
        whose clocks are a few milliseconds apart (unless one run lasts over 1000 s);
      - absolute expiries lie after 2100-01-01 (far above any relative one) or, for
        EXPIREAT/PEXPIREAT only, in the past, which deletes the key at once. Every absolute
        time sent is recorded in `absolute_times` (in seconds and in milliseconds) so that
        EXPIRETIME/PEXPIRETIME of a key with an absolute expiry is compared exactly;
      - a blocking command (BLPOP, BZMPOP, ...) outside MULTI has a timeout of 0.01 to 0.05 s
        (or one that must be refused), so on empty keys both servers answer nil after it; it
        never gets 0 (block forever) there, since one connection could never wake it. Inside
        MULTI, where nothing blocks, it also gets 0 and long timeouts;
      - nothing can allocate much: valid bit and byte offsets stay small; the out-of-range
        ones are past the 512 MB limit and must fail. Negative counts of SRANDMEMBER,
        HRANDFIELD and ZRANDMEMBER (which repeat elements) are small, or so large that Redis
        refuses them (LONG_MIN; below -LONG_MAX/2 with WITHVALUES/WITHSCORES).
  * Collections are small most of the time; a few commands add 130 to 520 elements at once,
    so hashes, sets and sorted sets cross their encoding thresholds (128 entries, 64-byte
    values, 512 integers or one non-integer) and OBJECT ENCODING compares the conversions.
  * A few percent of commands are mutated: an argument is dropped or one is appended, or the
    name is sent in another case, to reach arity and syntax errors.
"""

import collections
import random

import diff_fuzz_hashes
import diff_fuzz_keyspace
import diff_fuzz_lists
import diff_fuzz_sets
import diff_fuzz_txn
import diff_fuzz_zsets

Step = collections.namedtuple("Step", "name args check inner queued", defaults=((), False))

# How the runner compares the replies of one step. Error replies are always compared byte for
# byte, whatever the check.
CHECKS = (
    "exact",        # byte for byte
    "keys",         # KEYS: the same multiset of names, in any order
    "scan",         # full SCAN iteration on each server; unions equal, and equal to KEYS there
    "randomkey",    # both nil, or both a key that EXISTS on its own server
    "ttl",          # integers within 2 (s); -1 and -2 exact
    "pttl",         # integers within 2000 (ms); -1 and -2 exact
    "expiretime",   # like ttl, but exact when the value is an absolute time this run sent
    "pexpiretime",  # like pttl, likewise
    "idletime",     # OBJECT IDLETIME: integers >= 0, within 2 of each other
    "memusage",     # MEMORY USAGE: both an integer > 0, or both nil
    # The data-type rules (tools/diff_fuzz.py documents each one):
    "smembers",     # SMEMBERS: exact, or the same multiset when the set is a hashtable
    "sinter",       # SINTER: exact, or the same multiset when a source set is a hashtable
    "sunion",       # SUNION: exact, or the same multiset unless Redis's result is an intset
    "sdiff",        # SDIFF: likewise, or when the first set is not an intset (see the rule)
    "hgetall",      # HGETALL: exact, or the same field -> value map when it is a hashtable
    "hkeys",        # HKEYS, HVALS: exact, or the same multiset when it is a hashtable
    "srandmember",  # random members: same shape and size, each one in the set
    "hrandfield",   # random fields: likewise, WITHVALUES pairs as in the hash
    "zrandmember",  # random members: likewise, WITHSCORES pairs as in the sorted set
    "spop",         # popped members checked, then the tested server is resynchronised
    "sscan",        # exact for an intset; else full SSCAN on each server, unions equal
    "hscan",        # exact for a listpack; else full HSCAN, unions of field/value pairs equal
    "zscan",        # exact for a listpack; else full ZSCAN, unions of member/score pairs
    "zlex",         # lex ranges: exact unless the members have different scores (unspecified)
    # Transactions (diff_fuzz_txn.py):
    "multi",        # the MULTI that opens a block: exact (the runner prepares the block's steps)
    "exec",         # the EXEC that closes it: exact, or element by element with each rule
)

# Rules that look at the keyspace after the reply, or before it, or resynchronise the tested
# server: where they may stand in a transaction block is set in diff_fuzz_txn.py.
LOOKS_AFTER = diff_fuzz_txn.LOOKS_AFTER
LOOKS_BEFORE = diff_fuzz_txn.LOOKS_BEFORE
RESYNCS = diff_fuzz_txn.RESYNCS

BASE_KEYS = [b"k0", b"k1", b"k2", b"k3", b"k4", b"k5", b"k6", b"k7", b"k8", b"",
             b"k\x00\r\n", b"\xff\xfe\x00bin", b"k9", b"k10", b"k11"]
HASHTAG = b"{t}"

# Indexes into BASE_KEYS that each family picks most of the time (FAMILY_AFFINITY), so that
# most commands find a key of their own type and WRONGTYPE stays a minority; the keyspace
# commands take any name.
FAMILY_KEYS = {"strings": (0, 12, 9), "lists": (3, 4, 10), "hashes": (5, 6, 13),
               "sets": (7, 8, 11), "zsets": (1, 2, 14)}
FAMILY_AFFINITY = 0.93

# spread=True: name i carries the tag SPREAD_TAGS[i % 4]. With Shardis's XXH3 routing these
# four tags land on shards 0, 1, 0, 1 of 2 (and 0, 1, 2, 3 of 4), so every family's three
# preferred names span both shards of --cores 2; tests/e2e/test_diff_fuzz.py checks that.
SPREAD_TAGS = [b"e", b"x", b"d", b"a"]

# The multi-key commands a sharded server runs with keys on several shards: with spread=True
# their keys come from anywhere. Every multi-key command generated here is one of them.
CROSS_SHARD = {"MGET", "MSET", "MSETNX", "DEL", "EXISTS", "UNLINK", "TOUCH", "RENAME",
               "RENAMENX", "COPY", "BITOP", "LCS", "LMOVE", "RPOPLPUSH", "LMPOP", "BLPOP",
               "BRPOP", "BLMOVE", "BRPOPLPUSH", "BLMPOP", "SINTER", "SUNION", "SDIFF",
               "SINTERCARD", "SMOVE", "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE", "ZUNION",
               "ZINTER", "ZDIFF", "ZRANGESTORE", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE",
               "ZMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WATCH"}

FAMILIES = ("strings", "keyspace", "lists", "hashes", "sets", "zsets", "transactions")
# Share of the draws each family gets when all are on (weights within a family are relative).
# A draw of "transactions" is mostly a whole block of 2 to 14 steps.
FAMILY_SHARE = {"strings": 0.17, "keyspace": 0.13, "lists": 0.16, "hashes": 0.15,
                "sets": 0.17, "zsets": 0.17, "transactions": 0.05}

LLONG_MAX = 2**63 - 1
LLONG_MIN = -2**63
YEAR_2100 = 4102444800  # 2100-01-01T00:00:00Z in seconds

# Integer-looking arguments that are not plain in-range integers, plus extremes.
INT_EDGES = [b"-1", b"-100", b"9223372036854775807", b"-9223372036854775808",
             b"9223372036854775808", b"-9223372036854775809", b"18446744073709551616",
             b"4294967296", b"2147483648", b"abc", b"", b"1.5", b" 1", b"1 ", b"+1", b"0x10",
             b"1e3", b"-0", b"007", b"\x00", b"99999999999999999999999"]

FLOAT_ARGS = [b"1.5", b"-0.25", b"1e10", b"1e308", b"-1e308", b"inf", b"-inf", b"+inf",
              b"nan", b"0.1", b"3.0e-5", b"5", b"-5", b"abc", b"", b"1.7976931348623157e308",
              b"0x1p3", b" 1", b"1e-320", b"10.50", b"-0", b"1e", b".5", b"5.", b"1_0"]

VALUES = [b"", b"0", b"1", b"-1", b"10", b"123", b"9999", b"10000", b"-9223372036854775808",
          b"9223372036854775807", b"9223372036854775808", b"3.14", b"1e5", b" 7", b"7 ",
          b"007", b"+5", b"abc", b"hello world", b"\x00\xff\r\n", b"\xff\xff\xff", b"a" * 44,
          b"b" * 45, b"0.1", b"inf", b"nan", b"1.5e308", b"-0", b"5.0", b"\x80\x00\x01"]


# Members, fields and list elements: small pools, so that commands meet each other's elements.
ELEMENTS = [b"a", b"b", b"c", b"d", b"e", b"f", b"hello", b"A", b"", b"\x00", b"a\r\nb",
            b"\xff\xfe\x80", b"a b", b"-"]
# Integer-looking elements that are not canonical integers (a set holding one is a hashtable),
# and the extremes of the canonical ones.
NUMERIC_ELEMENTS = [b"-0", b"007", b"+1", b" 1", b"1.0", b"0x1", b"1e3", b"-9223372036854775808",
                    b"9223372036854775807", b"9223372036854775808", b"-9223372036854775809",
                    b"18446744073709551615", b"-1", b"0"]
# Around the 64-byte value limit of listpack hashes and sorted sets.
LONG_ELEMENTS = [b"m" * 63, b"m" * 64, b"m" * 65, b"n" * 64, b"\x00" * 65, b"p" * 200]

DB_ARGS = [b"0", b"1", b"2"]
DB_EDGES = [b"16", b"-1", b"abc", b"1.0", b"", b"9223372036854775808", b"15"]

# Extreme and malformed counts. Negative extremes that Redis would honour by allocating (say
# SRANDMEMBER key -2**62) are never sent; LONG_MIN is refused everywhere.
COUNT_EDGES = [b"9223372036854775807", b"-9223372036854775808", b"9223372036854775808",
               b"4294967296", b"2147483648", b"abc", b"", b"1.5", b" 1", b"+1", b"0x10"]

# Timeouts of blocking commands that must be refused at once. Never ones a server might take
# for a long or endless wait ("-0", "0x10", below 0.001, inf).
BAD_TIMEOUTS = [b"-1", b"-0.01", b"abc", b"", b"nan", b"1e", b"0x", b"1.5.0"]

# Tokens appended by the mutation step to commands whose arguments are not all keys.
JUNK = [b"", b"x", b"NX", b"XX", b"GET", b"0", b"-1", b"\x00", b"EX", b"KEEPTTL", b"REPLACE",
        b"LEN", b"COUNT", b"MATCH", b"ASYNC"]


class Generator(diff_fuzz_keyspace.KeyspaceCommands, diff_fuzz_lists.ListCommands,
                diff_fuzz_hashes.HashCommands, diff_fuzz_sets.SetCommands,
                diff_fuzz_zsets.ZsetCommands, diff_fuzz_txn.TxnCommands):
    """Produces Steps; see the module docstring for the contract."""

    def __init__(self, seed, hashtag=False, spread=False, only=None, typed_keys=False,
                 families=None, mutate_rate=0.03):
        if hashtag and spread:
            raise ValueError("hashtag and spread are exclusive")
        self.rng = random.Random(seed)
        self.hashtag = hashtag
        self.spread = spread
        self.mutate_rate = mutate_rate
        if spread:
            self.keys = [b"{" + SPREAD_TAGS[i % 4] + b"}" + k for i, k in enumerate(BASE_KEYS)]
            self.key_tags = [b"{" + tag + b"}" for tag in SPREAD_TAGS]
        else:
            prefix = HASHTAG if hashtag else b""
            self.keys = [prefix + k for k in BASE_KEYS]
            self.key_tags = [HASHTAG] if hashtag else []
        self._family_keys = {f: [self.keys[i] for i in idx] for f, idx in FAMILY_KEYS.items()}
        self._recent = {f: collections.deque(maxlen=24) for f in FAMILIES}
        self.absolute_times = set()
        self._used_relative = set()
        self.fragile = False
        self.in_block = False   # True while the steps inside a MULTI block are generated
        self._queue = collections.deque()   # the rest of a block handed out by next_step()
        families = list(FAMILIES) if not families else families
        unknown = set(families) - set(FAMILIES)
        if unknown:
            raise ValueError("unknown famil%s %s (known: %s)" % (
                "ies" if len(unknown) > 1 else "y", ", ".join(sorted(unknown)),
                ", ".join(FAMILIES)))
        tables = self._family_tables()
        table = {}
        for family in families:
            table.update(tables[family])
        if only:
            known = {name for t in tables.values() for name in t}
            wanted = {name.strip().upper() for name in only if name.strip()}
            unknown = wanted - known
            if unknown:
                raise ValueError("unknown command(s) for --commands-only: %s (known: %s)"
                                 % (", ".join(sorted(unknown)), ", ".join(sorted(known))))
            table = {name: entry for t in tables.values() for name, entry in t.items()
                     if name in wanted}
        if typed_keys:
            # About 1% each of writes of every type, whatever else was chosen, so that the
            # commands chosen meet keys of every type (WRONGTYPE).
            weight = 0.01 * sum(entry[0] for entry in table.values())
            for name, gen in (("RPUSH", self.g_rpush), ("SADD", self.g_sadd),
                              ("HSET", self.g_hset), ("ZADD", self.g_zadd)):
                table.setdefault(name, (weight, gen, False))
        self._names = sorted(table)
        self._weights = [table[n][0] for n in self._names]
        all_entries = {n: e for t in tables.values() for n, e in t.items()}
        all_entries.update(table)
        self._gens = {n: e[1] for n, e in all_entries.items()}
        self._variadic = {n for n, e in all_entries.items() if e[2]}
        # The commands inside a transaction block: those chosen, without the transaction
        # commands themselves (every data command if no other one was chosen).
        inner = [n for n in self._names if n not in tables["transactions"]]
        if not inner:
            inner = sorted(n for f, t in tables.items() if f != "transactions" for n in t)
        self._inner_names = inner
        self._inner_weights = [all_entries[n][0] for n in inner]

    @property
    def command_names(self):
        return list(self._names)

    def next_step(self):
        if self._queue:
            return self._queue.popleft()
        name = self.rng.choices(self._names, self._weights)[0]
        if name == "MULTI":
            steps = self.block()
            self._queue.extend(steps[1:])
            return steps[0]
        return self.command_step(name)

    def drop_block(self):
        """Forgets the rest of the block being handed out (the runner gave up on it)."""
        self._queue.clear()

    def command_step(self, name):
        """One step of command `name`, mutated a few percent of the time."""
        self.fragile = False   # a generator sets it when a mutation could make the step unsafe
        args, check = self._gens[name]()
        args = [a if isinstance(a, bytes) else str(a).encode() for a in args]
        if self.rng.random() < self.mutate_rate and not self.fragile:
            args = self._mutate(name, args)
        args[0] = self._recase(args[0])
        return Step(name, args, check)

    def fixed_step(self, name, args, check="exact", **fields):
        """A step sent as given (only the command name may change case)."""
        args = list(args)
        args[0] = self._recase(args[0])
        return Step(name, args, check, **fields)

    # -- the command tables: name -> (weight, generator, an appended argument is a key) ------
    # For the last kind the mutation appends a key name, never junk: a junk word in a key
    # position would name a key outside the keyspace (with a hashtag, on another shard).
    # Weights are scaled so that each family gets its FAMILY_SHARE of the draws.

    def _family_tables(self):
        tables = {"strings": self._string_table(), "keyspace": self.keyspace_table(),
                  "lists": self.list_table(), "hashes": self.hash_table(),
                  "sets": self.set_table(), "zsets": self.zset_table(),
                  "transactions": self.txn_table()}
        for family, t in tables.items():
            total = sum(entry[0] for entry in t.values())
            scale = FAMILY_SHARE[family] / total
            tables[family] = {n: (w * scale, g, v) for n, (w, g, v) in t.items()}
        return tables

    def _string_table(self):
        return {
            "GET": (4, self.g_get, False), "SET": (8, self.g_set, False),
            "SETNX": (1, self.g_setnx, False), "SETEX": (1, self.g_setex, False),
            "PSETEX": (1, self.g_psetex, False), "GETSET": (1, self.g_getset, False),
            "GETDEL": (1, self.g_getdel, False), "GETEX": (2, self.g_getex, False),
            "MGET": (2, self.g_mget, True), "MSET": (2, self.g_mset, True),
            "MSETNX": (1, self.g_msetnx, True), "APPEND": (2, self.g_append, False),
            "STRLEN": (1, self.g_strlen, False), "INCR": (2, self.g_incr, False),
            "DECR": (1, self.g_decr, False), "INCRBY": (2, self.g_incrby, False),
            "DECRBY": (1, self.g_decrby, False), "INCRBYFLOAT": (2, self.g_incrbyfloat, False),
            "GETRANGE": (2, self.g_getrange, False), "SUBSTR": (1, self.g_substr, False),
            "SETRANGE": (2, self.g_setrange, False), "LCS": (2, self.g_lcs, False),
            "SETBIT": (2, self.g_setbit, False), "GETBIT": (2, self.g_getbit, False),
            "BITCOUNT": (2, self.g_bitcount, False), "BITPOS": (2, self.g_bitpos, False),
            "BITOP": (2, self.g_bitop, True), "BITFIELD": (3, self.g_bitfield, False),
        }

    # -- argument helpers --------------------------------------------------------------------

    def key(self, family=None):
        """Any key name; for a family, one of its own three most of the time."""
        if family is not None and self.rng.random() < FAMILY_AFFINITY:
            return self.rng.choice(self._family_keys[family])
        return self.rng.choice(self.keys)

    def some_keys(self, low=1, high=4, family=None):
        """Keys from anywhere: only for the commands in CROSS_SHARD (or single-key ones)."""
        return [self.key(family) for _ in range(self.rng.randint(low, high))]

    def keys_across(self, count, family=None):
        """`count` keys from anywhere (CROSS_SHARD commands), now and then one repeated."""
        keys = [self.key(family) for _ in range(count)]
        if count > 1 and self.rng.random() < 0.05:
            keys[self.rng.randrange(1, count)] = keys[0]
        return keys

    def value(self):
        r = self.rng.random()
        if r < 0.55:
            return self.rng.choice(VALUES)
        if r < 0.75:
            return str(self.rng.randint(-1000, 100000)).encode()
        n = self.rng.randint(0, 60)
        if self.rng.random() < 0.5:
            return bytes(self.rng.choice(b"abcxyz01") for _ in range(n))
        return bytes(self.rng.randrange(256) for _ in range(n))

    def element(self, ints=0.3, long_rate=0.02):
        """A member, field or list element: small integers (`ints` of the time), a small pool
        of names, numeric edge cases, binary bytes, and now and then one of 63 to 200 bytes."""
        r = self.rng.random()
        if r < long_rate:
            return self.rng.choice(LONG_ELEMENTS)
        if r < long_rate + ints:
            return str(self.rng.randint(-3, 24)).encode()
        if r < long_rate + ints + 0.05:
            return self.rng.choice(NUMERIC_ELEMENTS)
        if r < long_rate + ints + 0.1:
            return bytes(self.rng.randrange(256) for _ in range(self.rng.randint(0, 12)))
        return self.rng.choice(ELEMENTS)

    def pooled(self, family, make, read):
        """An element for a family's command. Writes add new elements (from make()) or, a third
        of the time, repeat one written lately; reads name one written lately 70% of the time,
        so that they mostly find something."""
        pool = self._recent[family]
        if pool and self.rng.random() < (0.7 if read else 0.3):
            return pool[self.rng.randrange(len(pool))]
        element = make()
        if not read:
            pool.append(element)
        return element

    def elements(self, low=1, high=3, ints=0.3):
        return [self.element(ints) for _ in range(self.rng.randint(low, high))]

    def bulk_elements(self, count, ints, family=None):
        """`count` distinct elements, to push a collection past an encoding threshold."""
        start = self.rng.randint(-50, 2000)
        if ints:
            bulk = [str(start + i).encode() for i in range(count)]
        else:
            bulk = [b"g%d" % (start + i) for i in range(count)]
        if family is not None:
            self._recent[family].extend(self.rng.sample(bulk, 3))
        return bulk

    def count_arg(self, low=-3, high=8, edge=0.12, edges=None):
        """A count: mostly small (0 and negatives included), sometimes an extreme or junk."""
        if self.rng.random() < edge:
            return self.rng.choice(edges or COUNT_EDGES)
        return self.small_int(low, high)

    def numkeys(self, count, tail):
        """The numkeys argument for `count` keys followed by `tail` more arguments: right most
        of the time, sometimes wrong. With hashtag or spread keys only wrong values that cannot
        make a non-key a key: <= 0, malformed, fewer than the keys (the rest are taken for
        options: syntax error), or at least 2 more than all the arguments after it (one
        appended by a mutation still leaves too few)."""
        if self.rng.random() < 0.92:
            return str(count).encode()
        wrong = [b"0", b"-1", b"abc", b"", b"1.0", b"-9223372036854775808",
                 b"9223372036854775807", str(count + tail + 2).encode()]
        if count > 1:
            wrong.append(str(count - 1).encode())
        if not (self.hashtag or self.spread):
            wrong += [str(count + 1).encode(), str(count + tail).encode()]
        return self.rng.choice(wrong)

    def float_arg(self):
        return self.rng.choice(FLOAT_ARGS)

    def small_int(self, low=-20, high=60):
        return str(self.rng.randint(low, high)).encode()

    def int_arg(self, low=-20, high=60, edge=0.15):
        if self.rng.random() < edge:
            return self.rng.choice(INT_EDGES)
        return self.small_int(low, high)

    def option(self, name):
        """An option keyword, sometimes in another case."""
        r = self.rng.random()
        if r < 0.1:
            name = name.lower()
        elif r < 0.15:
            name = name.capitalize()
        return name.encode()

    def relative_seconds(self):
        """A positive relative expiry >= 1000 s, never used before in this run, and at least
        1000 s from every other one (see the module contract)."""
        for _ in range(100):
            if self.rng.random() < 0.85:
                seconds = 1000 * self.rng.randint(1, 100000)             # up to ~3 years
            else:
                seconds = 10**11 + 1000 * self.rng.randint(0, 100000)   # ~3000 years
            if seconds not in self._used_relative:
                break
        self._used_relative.add(seconds)
        return seconds

    def absolute_seconds(self):
        """A future absolute time (Unix seconds) after 2100; repeats are wanted (GT/LT ties)."""
        if self.rng.random() < 0.05:
            seconds = LLONG_MAX // 1000   # the largest EXPIREAT that does not overflow
        else:
            seconds = YEAR_2100 + 86400 * self.rng.randint(0, 30)
        self._record_absolute(seconds * 1000)
        return seconds

    def absolute_ms(self):
        ms = YEAR_2100 * 1000 + 86400000 * self.rng.randint(0, 30) \
            + self.rng.choice([0, 0, 1, 499, 500, 501, 999])
        self._record_absolute(ms)
        return ms

    def _record_absolute(self, ms):
        self.absolute_times.update((ms, ms // 1000, (ms + 500) // 1000))

    def expire_value(self, unit_ms, bad_rate=0.15):
        """A relative expiry for EX/PX/SETEX/PSETEX: valid, or one that must be refused."""
        if self.rng.random() < bad_rate:
            return self.rng.choice([b"0", b"-1", b"-1000", b"abc", b"1.5", b"",
                                    b"9223372036854775807", b"9223372036854775",
                                    b"-9223372036854775808", b" 5000"])
        seconds = self.relative_seconds()
        return str(seconds * 1000 if unit_ms else seconds).encode()

    def absolute_value(self, unit_ms, bad_rate=0.1):
        """A future absolute time for EXAT/PXAT, or one that must be refused."""
        if self.rng.random() < bad_rate:
            return self.rng.choice([b"0", b"-1", b"abc", b"", b"1.0", b"9223372036854775808"])
        return str(self.absolute_ms() if unit_ms else self.absolute_seconds()).encode()

    def timeout_arg(self):
        """The timeout of a blocking command (see the module contract). Blocking steps are
        never mutated: an appended word would become the timeout, and the timeout a key."""
        self.fragile = True
        r = self.rng.random()
        if r < 0.05:
            return self.rng.choice(BAD_TIMEOUTS)
        if self.in_block and r < 0.5:
            return self.rng.choice([b"0", b"0.0", b"1000", b"5", b"0.001"])
        return self.rng.choice([b"0.01", b"0.01", b"0.02", b"0.05"])

    def db_arg(self, edge=0.1):
        if self.rng.random() < edge:
            return self.rng.choice(DB_EDGES)
        return self.rng.choice(DB_ARGS)

    # -- mutation ------------------------------------------------------------------------------

    def _mutate(self, name, args):
        if len(args) > 1 and self.rng.random() < 0.5:
            # With a hashtag or spread keys, dropping an inner argument could shift a non-key
            # into a key position of a multi-key command; dropping the last one only shortens
            # the command.
            sharded = self.hashtag or self.spread
            index = len(args) - 1 if sharded else self.rng.randrange(1, len(args))
            return args[:index] + args[index + 1:]
        if name not in self._variadic:
            return args + [self.rng.choice(JUNK)]
        # A key where the command may take one (every such command runs across shards).
        return args + [self.key()]

    def _recase(self, name):
        r = self.rng.random()
        if r < 0.08:
            return name.lower()
        if r < 0.12:
            return bytes(c ^ 0x20 if (i % 2 and 65 <= c <= 90) else c for i, c in enumerate(name))
        return name

    # -- strings -------------------------------------------------------------------------------

    def g_get(self):
        return [b"GET", self.key("strings")], "exact"

    def g_set(self):
        args = [b"SET", self.key("strings"), self.value()]
        count = self.rng.choices([0, 1, 2, 3], [40, 35, 18, 7])[0]
        for _ in range(count):
            args += self._set_option()
        return args, "exact"

    def _set_option(self):
        kind = self.rng.choice(["NX", "XX", "GET", "KEEPTTL", "EX", "PX", "EXAT", "PXAT",
                                "bogus"])
        if kind == "EX":
            return [self.option("EX"), self.expire_value(False)]
        if kind == "PX":
            return [self.option("PX"), self.expire_value(True)]
        if kind == "EXAT":
            return [self.option("EXAT"), self.absolute_value(False)]
        if kind == "PXAT":
            return [self.option("PXAT"), self.absolute_value(True)]
        if kind == "bogus":
            return [self.rng.choice([b"PERSIST", b"EXX", b"N", b"", b"IFEQ"])]
        return [self.option(kind)]

    def g_setnx(self):
        return [b"SETNX", self.key("strings"), self.value()], "exact"

    def g_setex(self):
        return [b"SETEX", self.key("strings"), self.expire_value(False), self.value()], "exact"

    def g_psetex(self):
        return [b"PSETEX", self.key("strings"), self.expire_value(True), self.value()], "exact"

    def g_getset(self):
        return [b"GETSET", self.key("strings"), self.value()], "exact"

    def g_getdel(self):
        return [b"GETDEL", self.key("strings")], "exact"

    def g_getex(self):
        args = [b"GETEX", self.key("strings")]
        for _ in range(self.rng.choices([0, 1, 2], [30, 60, 10])[0]):
            kind = self.rng.choice(["EX", "PX", "EXAT", "PXAT", "PERSIST", "bogus"])
            if kind == "EX":
                args += [self.option("EX"), self.expire_value(False)]
            elif kind == "PX":
                args += [self.option("PX"), self.expire_value(True)]
            elif kind == "EXAT":
                args += [self.option("EXAT"), self.absolute_value(False)]
            elif kind == "PXAT":
                args += [self.option("PXAT"), self.absolute_value(True)]
            elif kind == "PERSIST":
                args.append(self.option("PERSIST"))
            else:
                args.append(self.rng.choice([b"KEEPTTL", b"NX", b"", b"EXPIRE"]))
        return args, "exact"

    def g_mget(self):
        return [b"MGET"] + self.some_keys(1, 5, "strings"), "exact"

    def _pairs(self):
        args = []
        for _ in range(self.rng.randint(1, 3)):
            args += [self.key("strings"), self.value()]
        return args

    def g_mset(self):
        return [b"MSET"] + self._pairs(), "exact"

    def g_msetnx(self):
        keys = self.keys_across(self.rng.randint(1, 3), "strings")
        args = [b"MSETNX"]
        for k in keys:
            args += [k, self.value()]
        return args, "exact"

    def g_append(self):
        return [b"APPEND", self.key("strings"), self.value()], "exact"

    def g_strlen(self):
        return [b"STRLEN", self.key("strings")], "exact"

    def g_incr(self):
        return [b"INCR", self.key("strings")], "exact"

    def g_decr(self):
        return [b"DECR", self.key("strings")], "exact"

    def g_incrby(self):
        return [b"INCRBY", self.key("strings"), self.int_arg(-1000, 1000, edge=0.2)], "exact"

    def g_decrby(self):
        return [b"DECRBY", self.key("strings"), self.int_arg(-1000, 1000, edge=0.2)], "exact"

    def g_incrbyfloat(self):
        if self.rng.random() < 0.6:
            amount = self.rng.choice(FLOAT_ARGS)
        else:
            amount = ("%.*f" % (self.rng.randint(0, 6), self.rng.uniform(-1000, 1000))).encode()
        return [b"INCRBYFLOAT", self.key("strings"), amount], "exact"

    def _range_arg(self):
        if self.rng.random() < 0.1:
            return self.rng.choice([b"9223372036854775807", b"-9223372036854775808", b"abc",
                                    b"", b"1.5", b"4294967296"])
        return self.small_int(-70, 70)

    def g_getrange(self):
        return [b"GETRANGE", self.key("strings"), self._range_arg(), self._range_arg()], "exact"

    def g_substr(self):
        return [b"SUBSTR", self.key("strings"), self._range_arg(), self._range_arg()], "exact"

    def g_setrange(self):
        r = self.rng.random()
        if r < 0.85:
            return [b"SETRANGE", self.key("strings"), self.small_int(0, 300), self.value()], "exact"
        if r < 0.93:
            offset = self.rng.choice([b"-1", b"536870912", b"1099511627776", b"abc", b"",
                                      b"9223372036854775807"])
            return [b"SETRANGE", self.key("strings"), offset, self.value() or b"x"], "exact"
        # A huge but valid offset is harmless only with an empty value (nothing is written).
        offset = self.rng.choice([b"536870911", b"8589934592"])
        return [b"SETRANGE", self.key("strings"), offset, b""], "exact"

    def g_lcs(self):
        args = [b"LCS"] + self.keys_across(2, "strings")
        for _ in range(self.rng.choices([0, 1, 2, 3], [35, 35, 20, 10])[0]):
            kind = self.rng.choice(["LEN", "IDX", "MINMATCHLEN", "WITHMATCHLEN", "bogus"])
            if kind == "MINMATCHLEN":
                args += [self.option("MINMATCHLEN"), self.int_arg(-2, 6, edge=0.2)]
            elif kind == "bogus":
                args.append(self.rng.choice([b"IDXX", b"", b"MATCHLEN"]))
            else:
                args.append(self.option(kind))
        return args, "exact"

    def _bit_offset(self, allow_huge_valid):
        r = self.rng.random()
        if r < 0.92:
            return self.small_int(0, 4000)
        if allow_huge_valid and r < 0.96:
            return self.rng.choice([b"4294967295", b"100000000"])
        return self.rng.choice([b"-1", b"4294967296", b"abc", b"", b"1.5",
                                b"9223372036854775807"])

    def g_setbit(self):
        bit = self.rng.choice([b"0", b"1"] * 15 + [b"2", b"-1", b"a", b"", b"01", b"1.0"])
        return [b"SETBIT", self.key("strings"), self._bit_offset(False), bit], "exact"

    def g_getbit(self):
        return [b"GETBIT", self.key("strings"), self._bit_offset(True)], "exact"

    def _range_unit(self, args):
        r = self.rng.random()
        if r < 0.25:
            args.append(self.option("BYTE"))
        elif r < 0.5:
            args.append(self.option("BIT"))
        elif r < 0.55:
            args.append(self.rng.choice([b"BITS", b"", b"WORD"]))

    def g_bitcount(self):
        args = [b"BITCOUNT", self.key("strings")]
        n = self.rng.choices([0, 1, 2, 3], [25, 5, 40, 30])[0]
        if n >= 1:
            args.append(self._range_arg())
        if n >= 2:
            args.append(self._range_arg())
        if n >= 3:
            self._range_unit(args)
        return args, "exact"

    def g_bitpos(self):
        bit = self.rng.choice([b"0", b"1"] * 6 + [b"2", b"-1", b"a"])
        args = [b"BITPOS", self.key("strings"), bit]
        n = self.rng.choices([0, 1, 2, 3], [25, 25, 25, 25])[0]
        if n >= 1:
            args.append(self._range_arg())
        if n >= 2:
            args.append(self._range_arg())
        if n >= 3:
            self._range_unit(args)
        return args, "exact"

    def g_bitop(self):
        op = self.rng.choice([b"AND", b"OR", b"XOR", b"NOT", b"and", b"Not", b"NAND", b""])
        sources = 1 if op.upper() == b"NOT" and self.rng.random() < 0.8 \
            else self.rng.randint(1, 3)
        return [b"BITOP", op] + self.keys_across(1 + sources, "strings"), "exact"

    def _bf_type(self):
        if self.rng.random() < 0.04:
            return self.rng.choice([b"u64", b"i65", b"i0", b"u0", b"x8", b"", b"I8", b"u",
                                    b"i-1", b"u8 "])
        sign = self.rng.choice("iu")
        bits = self.rng.randint(1, 64 if sign == "i" else 63)
        if self.rng.random() < 0.3:
            bits = self.rng.choice([1, 8, 16, 32, 63, 64 if sign == "i" else 63])
        return ("%s%d" % (sign, bits)).encode()

    def _bf_offset(self):
        r = self.rng.random()
        if r < 0.75:
            return self.small_int(0, 200)
        if r < 0.96:
            return ("#%d" % self.rng.randint(0, 10)).encode()
        return self.rng.choice([b"-1", b"#-1", b"4294967296", b"abc", b"#", b"#4294967296",
                                b"", b"1.0"])

    def _bf_number(self):
        r = self.rng.random()
        if r < 0.6:
            return self.small_int(-300, 300)
        if r < 0.95:
            return str(self.rng.randint(-2**63, 2**63 - 1)).encode()
        return self.rng.choice(INT_EDGES)

    def g_bitfield(self):
        args = [b"BITFIELD", self.key("strings")]
        for _ in range(self.rng.choices([0, 1, 2, 3, 4], [5, 40, 30, 15, 10])[0]):
            op = self.rng.choices(["GET", "SET", "INCRBY", "OVERFLOW", "bogus"],
                                  [30, 30, 30, 15, 2])[0]
            if op == "OVERFLOW":
                mode = self.rng.choice([b"WRAP", b"SAT", b"FAIL", b"wrap", b"sat", b"fail"] * 3
                                       + [b"BOGUS"])
                args += [self.option("OVERFLOW"), mode]
            elif op == "GET":
                args += [self.option("GET"), self._bf_type(), self._bf_offset()]
            elif op == "bogus":
                args += [self.rng.choice([b"INCR", b"", b"GETSET"]), self._bf_type()]
            else:
                args += [self.option(op), self._bf_type(), self._bf_offset(), self._bf_number()]
        return args, "exact"
