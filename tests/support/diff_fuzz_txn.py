"""Transactions for the differential fuzzer's Generator (a mixin: see diff_fuzz_gen.py for the
contract and the shared helpers): MULTI blocks, EXEC, DISCARD, WATCH and UNWATCH.

A draw of MULTI produces a whole block, handed out by next_step() one step at a time (so a
block may span several pipelines of the runner):

    [WATCH k1 [k2 k3]  [0 to 2 steps: a write to a watched key, another WATCH, any command]
     [UNWATCH]]
    MULTI  inner step 1 .. inner step n (n = 0 to 8)  EXEC | DISCARD | EXEC x

Inner steps are commands of every family chosen (the multi-key ones included, keys from
anywhere), SELECT and PING, and now and then: a queue-time error (an unknown command, a wrong
number of arguments: EXEC then answers EXECABORT), MULTI or WATCH inside MULTI (refused without
aborting), MULTI x / WATCH / DISCARD x / UNWATCH x (wrong arity: abort), UNWATCH (queued).
Blocking commands inside MULTI never block, so there they also get the timeout 0. The block
ends with EXEC (its reply is compared element by element), DISCARD, or EXEC x (wrong arity:
EXECABORT, the transaction ends). A write to a watched key between WATCH and MULTI (by this
same connection: it aborts the EXEC too, with a nil reply) is sometimes undone by UNWATCH, or
lands in another database after a SELECT, or changes nothing (PERSIST of a key without TTL,
TOUCH), which does not abort. Alone, EXEC and DISCARD without MULTI, WATCH without keys and
UNWATCH are drawn too.

Contract, so that every rule stays sound on a reply inside the EXEC array (tools/diff_fuzz.py
applies the step's rule there, with follow-up commands sent after EXEC):
  * Inside a block, a step whose rule looks at the keyspace after its reply (LOOKS_AFTER) is
    followed only by steps that change neither the keyspace nor the database (READ_ONLY), so
    that after EXEC the keys look as they did right after that step. Such a step that writes
    (SPOP, ZREMRANGEBYLEX: two servers may remove different members) is the last step of its
    block and the only one of its kind, since no later step may see what it left.
  * A step whose rule looks at its key before the step (LOOKS_BEFORE: lex ranges) is in a block
    where no other step writes: the runner looks at the key before MULTI, which is then what
    the step sees.
  * Between WATCH and MULTI there is no step whose rule may resynchronise the tested server
    (RESYNCS): such a write would abort the tested server's EXEC only.
  * MULTI, EXEC and DISCARD of a block are never mutated: a MULTI that failed or an EXEC that
    did not end the transaction would leave the runner out of step with the servers.
"""

# Rules that look at the keyspace after the reply (follow-up commands, resynchronisation): a
# step with one of them ends its pipeline in the runner, and inside a block no later step may
# change the keyspace. "zlex" also looks at the key before the step (LOOKS_BEFORE).
LOOKS_AFTER = {"scan", "randomkey", "idletime", "smembers", "sinter", "sunion", "sdiff",
               "hgetall", "hkeys", "srandmember", "hrandfield", "zrandmember", "spop", "sscan",
               "hscan", "zscan", "zlex"}
LOOKS_BEFORE = {"zlex"}
# Rules that may write to the tested server to resynchronise it.
RESYNCS = {"spop", "zlex"}

UNKNOWN = "(unknown)"   # the name under which unknown commands are counted

# Commands that change neither the keyspace nor the connection's database, also with any
# argument. Every other command counts as a write (SELECT too), erring on the safe side.
READ_ONLY = {
    "GET", "MGET", "STRLEN", "GETRANGE", "SUBSTR", "GETBIT", "BITCOUNT", "BITPOS", "LCS",
    "EXISTS", "TYPE", "KEYS", "SCAN", "RANDOMKEY", "DBSIZE", "TTL", "PTTL", "EXPIRETIME",
    "PEXPIRETIME", "OBJECT", "MEMORY",
    "LRANGE", "LLEN", "LINDEX", "LPOS",
    "HGET", "HMGET", "HGETALL", "HEXISTS", "HKEYS", "HVALS", "HLEN", "HSTRLEN", "HRANDFIELD",
    "HSCAN",
    "SMEMBERS", "SISMEMBER", "SMISMEMBER", "SCARD", "SRANDMEMBER", "SINTER", "SUNION", "SDIFF",
    "SINTERCARD", "SSCAN",
    "ZSCORE", "ZMSCORE", "ZCARD", "ZCOUNT", "ZLEXCOUNT", "ZRANK", "ZREVRANK", "ZRANGE",
    "ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZREVRANGE",
    "ZRANDMEMBER", "ZSCAN", "ZUNION", "ZINTER", "ZDIFF",
    # transaction and connection steps inside a block: refused, or no effect on the keyspace
    "PING", "MULTI", "WATCH", "UNWATCH", "DISCARD", "EXEC", UNKNOWN,
}

# Command names no server knows.
UNKNOWN_NAMES = [b"NOSUCHCMD", b"GETT", b"EXEC2", b"MULTII", b"", b"\xff\x00", b"SET\r\n"]


def writes(step):
    return step.name not in READ_ONLY


def looks_after(step):
    return step.check in LOOKS_AFTER


class TxnCommands:

    def txn_table(self):
        # MULTI draws a whole block (next_step); the others are drawn alone, outside MULTI.
        return {
            "MULTI": (10, None, False), "EXEC": (0.5, self.g_exec_alone, False),
            "DISCARD": (0.5, self.g_discard_alone, False),
            "WATCH": (0.3, self.g_watch_alone, False), "UNWATCH": (0.5, self.g_unwatch, False),
        }

    # -- alone ---------------------------------------------------------------------------------

    def g_exec_alone(self):
        return [b"EXEC"], "exact"   # EXEC without MULTI

    def g_discard_alone(self):
        return [b"DISCARD"], "exact"   # DISCARD without MULTI

    def g_watch_alone(self):
        # Wrong arity only: a WATCH that succeeded outside a block would hold its keys until
        # some later EXEC, with resynchronising rules in between (see the contract).
        self.fragile = True
        return [b"WATCH"], "exact"

    def g_unwatch(self):
        return [b"UNWATCH"], "exact"

    # -- blocks --------------------------------------------------------------------------------

    def block(self):
        """The steps of one block (see the module docstring)."""
        steps = self._watch_prelude() if self.rng.random() < 0.3 else []
        self.in_block = True
        try:
            inner = self._inner_steps()
        finally:
            self.in_block = False
        inner = tuple(step._replace(queued=True) for step in inner)
        steps.append(self.fixed_step("MULTI", [b"MULTI"], "multi", inner=inner))
        steps += inner
        r = self.rng.random()
        if r < 0.85:
            steps.append(self.fixed_step("EXEC", [b"EXEC"], "exec", inner=inner))
        elif r < 0.97:
            steps.append(self.fixed_step("DISCARD", [b"DISCARD"]))
        else:
            steps.append(self.fixed_step("EXEC", [b"EXEC", self.rng.choice([b"x", b""])]))
        return steps

    def _watch_prelude(self):
        keys = self.keys_across(self.rng.randint(1, 3))
        steps = [self.fixed_step("WATCH", [b"WATCH"] + keys)]
        for _ in range(self.rng.choices([0, 1, 2], [35, 45, 20])[0]):
            r = self.rng.random()
            if r < 0.55:
                steps.append(self._write_to(self.rng.choice(keys)))
            elif r < 0.65:
                steps.append(self.fixed_step("WATCH", [b"WATCH", self.key()]))
            else:
                steps.append(self._between_step())
        if self.rng.random() < 0.2:
            steps.insert(self.rng.randint(1, len(steps)),
                         self.fixed_step("UNWATCH", [b"UNWATCH"]))
        return steps

    def _write_to(self, key):
        """A command on `key` that mostly changes it (and so aborts a transaction watching
        it), keeping the key's type where its name belongs to a family."""
        family = next((f for f, keys in self._family_keys.items() if key in keys), None)
        r = self.rng.random()
        if r < 0.12:
            args = [b"DEL", key]
        elif r < 0.22:
            args = [b"EXPIRE", key, self.expire_value(False, bad_rate=0.0)]
        elif r < 0.30:
            args = [b"PERSIST", key]   # changes nothing unless the key has a TTL
        elif r < 0.36:
            args = [b"TOUCH", key]     # a read: never aborts
        elif family == "lists":
            args = [b"RPUSH", key, self.list_element()]
        elif family == "hashes":
            args = [b"HSET", key, self.field(), self.hash_value()]
        elif family == "sets":
            args = [b"SADD", key, self.member()]
        elif family == "zsets":
            args = [b"ZADD", key, self.score_for(key), self.zmember()]
        else:
            args = [self.rng.choice([b"SET", b"APPEND"]), key, self.value()]
        return self.fixed_step(args[0].decode(), args)

    def _between_step(self):
        """Any command whose rule never writes to the tested server (see the contract)."""
        for _ in range(30):
            step = self._draw()
            if step.check not in RESYNCS:
                return step
        return self._ping()

    def _draw(self):
        return self.command_step(self.rng.choices(self._inner_names, self._inner_weights)[0])

    def _read(self, looking_after_ok):
        """A command from READ_ONLY (with a rule that looks at the keyspace after its reply
        only if `looking_after_ok`), or PING if the commands chosen have none."""
        for _ in range(30):
            step = self._draw()
            if not writes(step) and (looking_after_ok or not looks_after(step)):
                return step
        return self._ping()

    def _ping(self):
        args = [b"PING"] if self.rng.random() < 0.6 else [b"PING", self.value()]
        return self.fixed_step("PING", args)

    def _inner_steps(self):
        count = self.rng.choices(range(9), [6, 14, 14, 14, 12, 12, 10, 9, 9])[0]
        read_only = self.rng.random() < 0.15   # rules looking at the keyspace anywhere
        steps = []
        for _ in range(count):
            r = self.rng.random()
            if r < 0.05 and not read_only:
                steps.append(self.command_step("SELECT"))
            elif r < 0.09:
                steps.append(self._ping())
            elif r < 0.115:
                steps.append(self._misplaced())
            else:
                steps.append(self._read(True) if read_only else self._draw())
        if self.rng.random() < 0.06:
            steps.insert(self.rng.randint(0, len(steps)), self._queue_error())
        return self._settle(steps)

    def _misplaced(self):
        """Transaction commands inside MULTI: refused (MULTI, WATCH k), refused with an abort
        (wrong arity), or queued (UNWATCH)."""
        kind = self.rng.choice(["MULTI", "WATCH", "UNWATCH", "arity"])
        if kind == "MULTI":
            return self.fixed_step("MULTI", [b"MULTI"])
        if kind == "WATCH":
            return self.fixed_step("WATCH", [b"WATCH"] + self.keys_across(
                self.rng.randint(1, 2)))
        if kind == "UNWATCH":
            return self.fixed_step("UNWATCH", [b"UNWATCH"])
        args = self.rng.choice([[b"MULTI", b"x"], [b"WATCH"], [b"DISCARD", b"x"],
                                [b"UNWATCH", self.key()]])
        return self.fixed_step(args[0].decode(), args)

    def _queue_error(self):
        """A command refused when queued, which makes EXEC answer EXECABORT (but PING a b is
        refused only when it runs: an error inside the EXEC array)."""
        if self.rng.random() < 0.4:
            args = [self.rng.choice(UNKNOWN_NAMES)]
            args += [self.key() for _ in range(self.rng.randint(0, 2))]
            return self.fixed_step(UNKNOWN, args)
        key = self.key()
        args = self.rng.choice([
            [b"GET"], [b"SET", key], [b"LPUSH", key], [b"HSET", key, b"f"], [b"ZADD", key],
            [b"EXPIRE", key], [b"SELECT"], [b"PING", b"a", b"b"], [b"LMPOP"], [b"BLPOP", key],
            [b"SMOVE", key, key], [b"MSETNX", key], [b"GETEX"], [b"ZMPOP", b"1"]])
        return self.fixed_step(args[0].decode(), args)

    def _settle(self, steps):
        """Rearranges the inner steps to meet the contract. The steps that look after their
        reply go last. One that also writes (SPOP, ZREMRANGEBYLEX, ZRANGESTORE ... BYLEX: their
        effect may differ between two servers, which the rule then resynchronises) can only be
        the very last step, so it stays alone of its kind. A step that looks before its reply
        stays only in a block where nothing else writes. A step that cannot stay is drawn
        again as a read whose rule looks at nothing."""
        steps = list(steps)
        writer = next((s for s in steps if looks_after(s) and writes(s)), None)
        if writer is not None:
            steps = [s if s is writer or not looks_after(s) else self._read(False)
                     for s in steps]
        for i, step in enumerate(steps):
            if step.check in LOOKS_BEFORE and any(
                    writes(other) for j, other in enumerate(steps) if j != i):
                steps[i] = self._read(False)
        return [s for s in steps if not looks_after(s)] + [s for s in steps if looks_after(s)]
