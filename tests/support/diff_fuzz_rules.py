"""Comparison rules of the differential fuzzer (tools/diff_fuzz.py): how the replies of one
step from redis-server and from the server under test are compared.

Each rule is compare_<name>(ctx, step, ref_raw, tst_raw) and returns None when the replies
agree, or the reason they do not. `ctx` is the running Fuzzer: ctx.ref and ctx.tst are the two
connections (a rule may send follow-up commands on them, and only the rules in
FOLLOW_UP_CHECKS do), ctx.label names the tested server, ctx.prepared is what PREPARE found
before the step, ctx.absolute_times and ctx.servers_started come from the run; inside an EXEC
reply, ctx.queued lists the steps redis-server QUEUED and ctx.block_prepared what PREPARE found
for them before MULTI. Error replies are always compared byte for byte, whatever the rule.
"""

import collections
import socket
import time

import diff_fuzz_gen
import resp_wire

REPLY_TIMEOUT = 10.0
MAX_SCAN_PAGES = 10000
TTL_TOLERANCE_S = 2
TTL_TOLERANCE_MS = 2000
IDLE_TOLERANCE_S = 2

class StreamBroken(Exception):
    """A server gave no (parsable) reply: the connection is out of step from here on."""


def show(raw, limit=300):
    if raw is None:
        return "(nothing)"
    text = repr(raw)
    return text if len(text) <= limit else text[:limit] + "... (%d bytes)" % len(raw)


def show_args(args, limit=200):
    text = " ".join(repr(a)[1:] for a in args)
    return text if len(text) <= limit else text[:limit] + "..."


def read_reply(conn, who):
    try:
        return conn.read_raw(REPLY_TIMEOUT)
    except socket.timeout:
        raise StreamBroken("%s: no reply within %.0f s" % (who, REPLY_TIMEOUT))
    except resp_wire.ConnectionClosed:
        raise StreamBroken("%s closed the connection" % who)
    except (resp_wire.WireError, OSError) as err:
        raise StreamBroken("%s: bad reply stream: %s" % (who, err))


def call(conn, who, *args):
    try:
        conn.send(resp_wire.encode(*args))
    except OSError as err:
        raise StreamBroken("%s: send failed: %s" % (who, err))
    return read_reply(conn, who)


def is_error(raw):
    return raw[:1] == b"-"


def decode(raw):
    try:
        return resp_wire.decode(raw)
    except (resp_wire.WireError, ValueError):
        return ValueError


def plain_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


# -- comparisons: each returns None when the replies agree, or the reason they do not --------

def compare_exact(_ctx, _step, ref_raw, tst_raw):
    return None if ref_raw == tst_raw else "replies differ"


def compare_keys(_ctx, _step, ref_raw, tst_raw):
    # KEYS lists the keys in hash-table order, which depends on each process's random hash
    # seed: two redis-servers with the same keys list them in different orders.
    ref, tst = decode(ref_raw), decode(tst_raw)
    if not isinstance(ref, list) or not isinstance(tst, list):
        return compare_exact(None, None, ref_raw, tst_raw)
    return None if sorted(ref) == sorted(tst) else "different key sets"


def compare_integer_close(ref_raw, tst_raw, tolerance, exact_values=()):
    """Both non-negative integers within `tolerance`, or the same negative code (-1 no expiry,
    -2 no key). Values in `exact_values` must match exactly."""
    ref, tst = decode(ref_raw), decode(tst_raw)
    if not plain_int(ref) or not plain_int(tst):
        return compare_exact(None, None, ref_raw, tst_raw)
    if ref < 0 or tst < 0 or ref in exact_values or tst in exact_values:
        return None if ref == tst else "different values"
    return None if abs(ref - tst) <= tolerance else "differ by more than %d" % tolerance


# TTL and PTTL count down from the moment each server ran the command that set the expiry; the
# two servers ran it some milliseconds apart.
def compare_ttl(_ctx, _step, ref_raw, tst_raw):
    return compare_integer_close(ref_raw, tst_raw, TTL_TOLERANCE_S)


def compare_pttl(_ctx, _step, ref_raw, tst_raw):
    return compare_integer_close(ref_raw, tst_raw, TTL_TOLERANCE_MS)


# An expiry set from a relative time is "now + TTL" on each server's clock: close, not equal.
# One set from an absolute time the generator sent is the same number on both.
def compare_expiretime(ctx, _step, ref_raw, tst_raw):
    return compare_integer_close(ref_raw, tst_raw, TTL_TOLERANCE_S, ctx.absolute_times)


def compare_pexpiretime(ctx, _step, ref_raw, tst_raw):
    return compare_integer_close(ref_raw, tst_raw, TTL_TOLERANCE_MS, ctx.absolute_times)


def compare_idletime(ctx, step, ref_raw, tst_raw):
    # Idle time is whole seconds of each server's own LRU clock, which redis advances in its
    # timer (10 times a second), so two servers can be a second or so apart.
    ref, tst = decode(ref_raw), decode(tst_raw)
    if not plain_int(ref) or not plain_int(tst):
        return compare_exact(None, None, ref_raw, tst_raw)
    limit = int(time.monotonic() - ctx.servers_started) + IDLE_TOLERANCE_S
    if not (0 <= ref <= limit and 0 <= tst <= limit):
        return "idle time outside [0, %d] (seconds since the servers started, plus %d)" % (
            limit, IDLE_TOLERANCE_S)
    if abs(ref - tst) <= IDLE_TOLERANCE_S:
        return None
    # Redis stores the integers 0..9999 as shared objects (OBJECT REFCOUNT 2147483647), and
    # the idle time it reports for such a key is that of the shared object, touched through any
    # key holding the same number since the server started. A server that does not share
    # objects reports the key's own idle time; only the range above is comparable then.
    refcount = call(ctx.ref, "redis", b"OBJECT", b"REFCOUNT", step.args[2])
    if refcount == b":2147483647\r\n":
        return None
    return "differ by more than %d" % IDLE_TOLERANCE_S


def compare_memusage(_ctx, _step, ref_raw, tst_raw):
    # Byte counts depend on the allocator and on internal layouts; only the shape is comparable.
    if is_error(ref_raw) or is_error(tst_raw):
        return compare_exact(None, None, ref_raw, tst_raw)
    ref, tst = decode(ref_raw), decode(tst_raw)
    if ref is None and tst is None:
        return None
    if plain_int(ref) and plain_int(tst) and ref > 0 and tst > 0:
        return None
    return "expected both nil (missing key) or both an integer > 0"


def compare_randomkey(ctx, _step, ref_raw, tst_raw):
    # Which key comes back is random; the keyspaces are the same, so both must be nil or both
    # a key that exists on the server that returned it.
    if is_error(ref_raw) or is_error(tst_raw):
        return compare_exact(None, None, ref_raw, tst_raw)
    ref, tst = decode(ref_raw), decode(tst_raw)
    if ref is None or tst is None:
        return None if ref is None and tst is None else "one nil, the other a key"
    if not isinstance(ref, bytes) or not isinstance(tst, bytes):
        return "expected a bulk string"
    for conn, who, key in ((ctx.ref, "redis", ref), (ctx.tst, ctx.label, tst)):
        exists = call(conn, who, b"EXISTS", key)
        if exists != b":1\r\n":
            return "%s returned key %r but EXISTS says %r" % (who, key, exists)
    return None


def scan_options(args):
    """(pattern, type) in force for a SCAN that the server accepted; the last one wins."""
    pattern, type_name, i = b"*", None, 2
    while i + 1 < len(args):
        word = args[i].upper()
        if word == b"MATCH":
            pattern = args[i + 1]
        elif word == b"TYPE":
            type_name = args[i + 1]
        i += 2
    return pattern, type_name


def scan_all(conn, who, args, first_raw):
    """Keys from a full iteration that began with `first_raw`, or a reason string."""
    keys, raw, pages = set(), first_raw, 0
    while True:
        reply = decode(raw)
        if not (isinstance(reply, list) and len(reply) == 2 and isinstance(reply[0], bytes)
                and isinstance(reply[1], list)):
            return "%s: malformed SCAN reply %s" % (who, show(raw))
        keys.update(reply[1])
        cursor, pages = reply[0], pages + 1
        if cursor == b"0":
            return keys
        if pages >= MAX_SCAN_PAGES:
            return "%s: SCAN did not reach cursor 0 in %d calls" % (who, pages)
        raw = call(conn, who, b"SCAN", cursor, *args[2:])


def keys_matching(conn, who, pattern, type_name):
    """The keys a full SCAN must return, asked with KEYS (and TYPE) on the same server."""
    found = decode(call(conn, who, b"KEYS", pattern))
    if not isinstance(found, list):
        return "%s: KEYS %r failed" % (who, pattern)
    if type_name is None:
        return set(found)
    conn.send(resp_wire.encode_many([(b"TYPE", k) for k in found]))
    types = [read_reply(conn, who) for _ in found]
    # The TYPE filter is compared without regard to case (strcasecmp in redis).
    wanted = b"+" + type_name.lower() + b"\r\n"
    return {k for k, t in zip(found, types) if t.lower() == wanted}


def compare_scan(ctx, step, ref_raw, tst_raw):
    # Cursors encode each server's own table layout, so the pages differ; the guarantee that
    # does not is that a full iteration returns every key that existed throughout it.
    if is_error(ref_raw) or is_error(tst_raw):
        return compare_exact(None, None, ref_raw, tst_raw)
    pattern, type_name = scan_options(step.args)
    results = []
    for conn, who, raw in ((ctx.ref, "redis", ref_raw), (ctx.tst, ctx.label, tst_raw)):
        got = scan_all(conn, who, step.args, raw)
        if isinstance(got, str):
            return got
        want = keys_matching(conn, who, pattern, type_name)
        if isinstance(want, str):
            return want
        if got != want:
            return "%s: full SCAN gave %s, KEYS/TYPE say %s" % (
                who, show(sorted(got)), show(sorted(want)))
        results.append(got)
    return None if results[0] == results[1] else "SCAN found different key sets: %s vs %s" % (
        show(sorted(results[0])), show(sorted(results[1])))


# -- data types ------------------------------------------------------------------------------
# Hashtable-encoded sets and hashes list their members in the order of each process's seeded
# hash function; listpack hashes (insertion order), intsets (ascending) and sorted sets (score,
# then member) have an order Redis defines, which must match. The rules below therefore accept
# another order only where the reference itself has no defined one, asked after the reply (the
# step ended its pipeline, so nothing has changed the key since). Errors stay exact.

def encoding_of(ctx, key):
    """OBJECT ENCODING of `key` on the reference (None if the key is missing)."""
    value = decode(call(ctx.ref, "redis", b"OBJECT", b"ENCODING", key))
    return value if isinstance(value, bytes) else None


def canonical_int(member):
    """True if Redis would store `member` in an intset (a canonical 64-bit integer)."""
    try:
        number = int(member)
    except ValueError:
        return False
    return -2**63 <= number < 2**63 and str(number).encode() == member


def compare_members(ref_raw, tst_raw, any_order, pairs=False):
    """Exact replies agree; otherwise both must be arrays with the same multiset of elements
    (or, with pairs=True, arrays or RESP3 maps with the same field -> value map) and
    any_order() must say that the reference's order is not defined."""
    if ref_raw == tst_raw:
        return None
    if is_error(ref_raw) or is_error(tst_raw) or ref_raw[:1] != tst_raw[:1]:
        return "replies differ"
    ref, tst = decode(ref_raw), decode(tst_raw)
    if pairs:
        ref, tst = pairs_of(ref), pairs_of(tst)
        if ref is None or tst is None:
            return "replies differ"
        same = len(ref) == len(tst) == len(dict(ref)) and dict(ref) == dict(tst)
    else:
        if not isinstance(ref, list) or not isinstance(tst, list):
            return "replies differ"
        same = collections.Counter(ref) == collections.Counter(tst)
    if not same:
        return "different members"
    if any_order():
        return None
    return "same members in another order, where Redis's order is defined"


def pairs_of(value):
    """[(a, b)] from a flat array (RESP2 HGETALL, ... WITHSCORES), an array of 2-element arrays
    (RESP3 WITHSCORES / WITHVALUES) or a RESP3 map; None for anything else."""
    if isinstance(value, dict):
        return list(value.items())
    if not isinstance(value, list):
        return None
    if value and all(isinstance(v, list) and len(v) == 2 for v in value):
        return [tuple(v) for v in value]
    if len(value) % 2 or any(isinstance(v, list) for v in value):
        return None
    return list(zip(value[0::2], value[1::2]))


def pair_map(value):
    pairs = pairs_of(value)
    return dict(pairs) if pairs is not None else None


def compare_smembers(ctx, step, ref_raw, tst_raw):
    # Exact unless the set is a hashtable on the reference.
    return compare_members(ref_raw, tst_raw,
                           lambda: encoding_of(ctx, step.args[1]) == b"hashtable")


def compare_sinter(ctx, step, ref_raw, tst_raw):
    # SINTER lists the members in the order of its smallest source set: ascending when that
    # is an intset. Which one is smallest among equal sizes is Redis's own choice, so any
    # hashtable source relaxes the order.
    return compare_members(ref_raw, tst_raw, lambda: any(
        encoding_of(ctx, key) == b"hashtable" for key in step.args[1:]))


def compare_sunion(ctx, step, ref_raw, tst_raw):
    # SUNION builds its result as a new set, an intset (ascending) while every member is a
    # canonical integer and there are at most 512: only other results have no defined order.
    def any_order():
        members = decode(ref_raw)
        return len(members) > 512 or not all(canonical_int(m) for m in members)
    return compare_members(ref_raw, tst_raw, any_order)


def compare_sdiff(ctx, step, ref_raw, tst_raw):
    # SDIFF also builds a new set, in one of two ways chosen by the sizes: either it adds the
    # members of the first set that no other set has (ordered as for SUNION), or it adds the
    # whole first set and then removes the others' members, and the new set has become a
    # hashtable for good if the first set has a non-integer or more than 512 members.
    def any_order():
        members = decode(ref_raw)
        if len(members) > 512 or not all(canonical_int(m) for m in members):
            return True
        first = decode(call(ctx.ref, "redis", b"SMEMBERS", step.args[1]))
        sizes = [decode(call(ctx.ref, "redis", b"SCARD", key)) for key in step.args[1:]]
        present = [size for size in sizes if size]
        removes_later = len(first) * len(present) // 2 > sum(present)
        return removes_later and (len(first) > 512
                                  or not all(canonical_int(m) for m in first))
    return compare_members(ref_raw, tst_raw, any_order)


def compare_hgetall(ctx, step, ref_raw, tst_raw):
    # Exact unless the hash is a hashtable on the reference; then the same field -> value map.
    return compare_members(ref_raw, tst_raw,
                           lambda: encoding_of(ctx, step.args[1]) == b"hashtable", pairs=True)


def compare_hkeys(ctx, step, ref_raw, tst_raw):
    # HKEYS / HVALS: exact unless the hash is a hashtable on the reference; then the same
    # multiset (HVALS may repeat values).
    return compare_members(ref_raw, tst_raw,
                           lambda: encoding_of(ctx, step.args[1]) == b"hashtable")


# Random picks: which elements come back is random, so each server's reply is checked against
# that server's own content (the two contents are equal as long as no earlier step differed).

def content(ctx, conn, who, step):
    """The key's content on one server: a set of members, or a dict member -> value/score."""
    name, key = step.name, step.args[1]
    if name in ("SRANDMEMBER", "SPOP", "SSCAN"):
        got = decode(call(conn, who, b"SMEMBERS", key))
        return set(got) if isinstance(got, list) else None
    if name in ("HRANDFIELD", "HSCAN"):
        return pair_map(decode(call(conn, who, b"HGETALL", key)))
    return pair_map(decode(call(conn, who, b"ZRANGE", key, b"0", b"-1", b"WITHSCORES")))


def check_random_reply(reply, count, have, with_pairs):
    """Why `reply` (to a random pick of `count`, None for the single form) cannot come from a
    collection holding `have`, or None."""
    if count is None:
        if reply is None:
            return None if not have else "nil from a non-empty collection"
        if not isinstance(reply, bytes):
            return "expected a bulk string or nil"
        return None if reply in have else "%r is not in the collection" % reply
    if not isinstance(reply, list):
        return "expected an array"
    if with_pairs:
        pairs = pairs_of(reply)
        if pairs is None:
            return "not pairs in a WITH... reply"
        picks = [element for element, _ in pairs]
        for element, value in pairs:
            if element in have and have[element] != value:
                return "%r comes with %r, the collection has %r" % (element, value, have[element])
    else:
        picks = reply
    expected = min(count, len(have)) if count >= 0 else (-count if have else 0)
    if len(picks) != expected:
        return "%d elements, expected %d" % (len(picks), expected)
    missing = [p for p in picks if p not in have]
    if missing:
        return "%r is not in the collection" % missing[0]
    if count >= 0 and len(set(picks)) != len(picks):
        return "repeated elements with a positive count"
    return None


def compare_random_pick(ctx, step, ref_raw, tst_raw):
    # SRANDMEMBER, HRANDFIELD, ZRANDMEMBER: the same shape and size on both servers, every
    # element in the key on that server, distinct for a count >= 0, values/scores as stored.
    if is_error(ref_raw) or is_error(tst_raw):
        return compare_exact(None, None, ref_raw, tst_raw)
    count = int(step.args[2]) if len(step.args) >= 3 else None
    with_pairs = len(step.args) >= 4
    for conn, who, raw in ((ctx.ref, "redis", ref_raw), (ctx.tst, ctx.label, tst_raw)):
        have = content(ctx, conn, who, step)
        if have is None:
            return "%s: cannot read the key's content" % who
        why = check_random_reply(decode(raw), count, have, with_pairs)
        if why is not None:
            return "%s: %s" % (who, why)
    return None


def compare_spop(ctx, step, ref_raw, tst_raw):
    # SPOP removes random members. Checked: the same number popped on both servers, distinct,
    # gone from the set, and popped + remaining the same set on both (the set before the step).
    # When Redis pops nearly all of a set (a count over 5 times what remains, below the size),
    # it rebuilds the set from the members that remain, an intset if they are all integers
    # (512 at most): each server's encoding is checked against its own remaining members.
    # Then the tested server is resynchronised to the reference's remaining members (SADD the
    # missing ones, then SREM the extra ones: members of the set before, so an intset stays an
    # intset and the key is never emptied; rebuilt, with its expiry, when the reference has an
    # intset and the tested server a hashtable) so that later steps stay comparable.
    if is_error(ref_raw) or is_error(tst_raw):
        return compare_exact(None, None, ref_raw, tst_raw)
    key = step.args[1]
    if ref_raw[:1] != tst_raw[:1] or (ref_raw in NILS) != (tst_raw in NILS):
        return "replies of different types"
    popped, left = [], []
    for conn, who, raw in ((ctx.ref, "redis", ref_raw), (ctx.tst, ctx.label, tst_raw)):
        reply = decode(raw)
        if reply is None:
            reply = []
        elif isinstance(reply, bytes):
            if len(step.args) >= 3:
                return "%s: a bulk string for SPOP with a count" % who
            reply = [reply]
        elif not isinstance(reply, list) or len(step.args) < 3:
            return "%s: unexpected reply shape" % who
        remaining = content(ctx, conn, who, step)
        if remaining is None:
            return "%s: cannot read the set" % who
        if len(set(reply)) != len(reply) or remaining & set(reply):
            return "%s: popped members repeated or still in the set" % who
        popped.append(reply)
        left.append(remaining)
    if len(popped[0]) != len(popped[1]):
        return "popped %d members on redis, %d on %s" % (len(popped[0]), len(popped[1]),
                                                         ctx.label)
    if set(popped[0]) | left[0] != set(popped[1]) | left[1]:
        return "popped + remaining members differ (the sets before SPOP differed)"
    count = len(popped[0])
    if len(step.args) >= 3 and left[0] and len(left[0]) * 5 <= count:
        for conn, who, remaining in ((ctx.ref, "redis", left[0]), (ctx.tst, ctx.label, left[1])):
            compact = len(remaining) <= 512 and all(canonical_int(m) for m in remaining)
            want = b"intset" if compact else b"hashtable"
            got = decode(call(conn, who, b"OBJECT", b"ENCODING", key))
            if got != want:
                return "%s: the set rebuilt from %d remaining members is %r, expected %r" % (
                    who, len(remaining), got, want)
    missing, extra = sorted(left[0] - left[1]), sorted(left[1] - left[0])
    if missing:
        call(ctx.tst, ctx.label, b"SADD", key, *missing)
    if extra:
        call(ctx.tst, ctx.label, b"SREM", key, *extra)
    if left[0] and (missing or extra):
        want = encoding_of(ctx, key)
        if decode(call(ctx.tst, ctx.label, b"OBJECT", b"ENCODING", key)) != want:
            rebuild(ctx, key, b"SADD", *sorted(left[0]))
    return None


def rebuild(ctx, key, *command):
    """Replaces `key` on the tested server by what `command` (SADD/ZADD key ...) creates, with
    the expiry the key had there (or, if it was missing, the reference's)."""
    expiry = decode(call(ctx.tst, ctx.label, b"PEXPIRETIME", key))
    if expiry == -2:
        expiry = decode(call(ctx.ref, "redis", b"PEXPIRETIME", key))
    call(ctx.tst, ctx.label, b"DEL", key)
    call(ctx.tst, ctx.label, command[0], key, *command[1:])
    if plain_int(expiry) and expiry > 0:
        call(ctx.tst, ctx.label, b"PEXPIREAT", key, str(expiry).encode())


NILS = (b"$-1\r\n", b"*-1\r\n", b"_\r\n")


def scan_elements(conn, who, step, first_raw):
    """Elements (members, or (field, value) pairs) of a full HSCAN/SSCAN/ZSCAN that began
    with `first_raw`, or a reason string."""
    found, raw, pages = set(), first_raw, 0
    while True:
        reply = decode(raw)
        if not (isinstance(reply, list) and len(reply) == 2 and isinstance(reply[0], bytes)
                and isinstance(reply[1], list)):
            return "%s: malformed %s reply %s" % (who, step.name, show(raw))
        if step.name == "SSCAN":
            found.update(reply[1])
        elif len(reply[1]) % 2:
            return "%s: odd number of elements in a %s page" % (who, step.name)
        else:
            found.update(zip(reply[1][0::2], reply[1][1::2]))
        cursor, pages = reply[0], pages + 1
        if cursor == b"0":
            return found
        if pages >= MAX_SCAN_PAGES:
            return "%s: %s did not reach cursor 0 in %d calls" % (who, step.name, pages)
        raw = call(conn, who, step.args[0], step.args[1], cursor, *step.args[3:])


def scan_subset(ctx, step, ref_raw, tst_raw):
    """Each server's iteration from a non-zero cursor yields elements of its collection."""
    for conn, who, raw in ((ctx.ref, "redis", ref_raw), (ctx.tst, ctx.label, tst_raw)):
        got = scan_elements(conn, who, step, raw)
        if isinstance(got, str):
            return got
        have = content(ctx, conn, who, step)
        members = have if isinstance(have, set) else set(have or {})
        if any((g if isinstance(g, bytes) else g[0]) not in members for g in got):
            return "%s: %s returned an element that is not in the collection" % (who, step.name)
    return None


def compare_collection_scan(ctx, step, ref_raw, tst_raw):
    # A listpack or intset answers in one page, all of it in order: compared exactly. For a
    # hashtable or skiplist, cursors and pages depend on each server's table layout; what must
    # agree is the union of a full iteration. Without MATCH it must also be the whole
    # collection on that server.
    if is_error(ref_raw) or is_error(tst_raw):
        return compare_exact(None, None, ref_raw, tst_raw)
    if step.args[2] != b"0":
        # Started elsewhere than 0: a listpack or intset answers in one fixed way (sets and
        # hashes nothing, sorted sets everything), compared exactly; a hashtable or skiplist
        # answers from wherever the cursor lands in its own layout.
        if ref_raw == tst_raw:
            return None
        if encoding_of(ctx, step.args[1]) not in (b"hashtable", b"skiplist"):
            return "replies differ"
        return scan_subset(ctx, step, ref_raw, tst_raw)
    if ref_raw == tst_raw:
        return None
    if encoding_of(ctx, step.args[1]) in (b"listpack", b"intset"):
        return "replies differ (redis answers a listpack or intset in one page, in order)"
    has_match = any(a.upper() == b"MATCH" for a in step.args[3::2])
    results = []
    for conn, who, raw in ((ctx.ref, "redis", ref_raw), (ctx.tst, ctx.label, tst_raw)):
        got = scan_elements(conn, who, step, raw)
        if isinstance(got, str):
            return got
        if not has_match:
            have = content(ctx, conn, who, step)
            whole = have if isinstance(have, set) else set((have or {}).items())
            if step.name == "ZSCAN":
                # ZSCAN sends the score as stored in a listpack, ZRANGE formats it with %.17g
                # (1e+17 vs 100000000000000000): compare their values. (The two servers'
                # ZSCAN replies are compared as sent, below.)
                got_values = {(m, float(v)) for m, v in got}
                whole = {(m, float(v)) for m, v in whole}
            else:
                got_values = got
            if got_values != whole:
                return "%s: full %s gave %s, the collection holds %s" % (
                    who, step.name, show(sorted(got)), show(sorted(whole)))
        results.append(got)
    return None if results[0] == results[1] else "%s found different elements: %s vs %s" % (
        step.name, show(sorted(results[0])), show(sorted(results[1])))


def zset_pairs(conn, who, key):
    """[(member, score)] of a sorted set in order (empty if missing), or None on an error;
    scores as bytes that ZADD takes back exactly (RESP3 doubles through repr)."""
    pairs = pairs_of(decode(call(conn, who, b"ZRANGE", key, b"0", b"-1", b"WITHSCORES")))
    if pairs is None:
        return None
    return [(m, repr(v).encode() if isinstance(v, float) else v) for m, v in pairs]


def resync_zset(ctx, key):
    """Makes the tested server's sorted set `key` hold what the reference's holds, in the same
    encoding: ZADD the missing or changed members, then ZREM the extra ones; then a member over
    64 bytes, added and removed, turns a listpack into a skiplist for good, and a skiplist that
    should be a listpack is rebuilt with one ZADD."""
    want, have = zset_pairs(ctx.ref, "redis", key), zset_pairs(ctx.tst, ctx.label, key)
    if want is None or have is None:
        return
    if not want:
        if have:
            call(ctx.tst, ctx.label, b"DEL", key)
        return
    wanted, had = dict(want), dict(have)
    if not have:   # created (ZRANGESTORE) or emptied on the tested server only
        rebuild(ctx, key, b"ZADD", *[x for m, score in want for x in (score, m)])
        have, had = want, wanted
    add = [x for m, score in want if had.get(m) != score for x in (score, m)]
    if add:
        call(ctx.tst, ctx.label, b"ZADD", key, *add)
    extra = [m for m in had if m not in wanted]
    if extra:
        call(ctx.tst, ctx.label, b"ZREM", key, *extra)
    ref_encoding = encoding_of(ctx, key)
    tst_encoding = decode(call(ctx.tst, ctx.label, b"OBJECT", b"ENCODING", key))
    if ref_encoding == b"skiplist" and tst_encoding == b"listpack":
        marker = b"\x00" * 65
        call(ctx.tst, ctx.label, b"ZADD", key, b"0", marker)
        call(ctx.tst, ctx.label, b"ZREM", key, marker)
    elif ref_encoding == b"listpack" and tst_encoding == b"skiplist":
        rebuild(ctx, key, b"ZADD", *[x for m, score in want for x in (score, m)])


def lex_source(step):
    return step.args[2] if step.name == "ZRANGESTORE" else step.args[1]


def prepare_zlex(ctx, step):
    """Before a lex-range step: is its result unspecified, i.e. do the sorted set's members
    have different scores on the reference?"""
    pairs = zset_pairs(ctx.ref, "redis", lex_source(step)) or []
    return len({score for _, score in pairs}) >= 2


def compare_zlex(ctx, step, ref_raw, tst_raw):
    # Lex ranges assume that all members have the same score; when they do not, Redis
    # documents the result as unspecified. It is deterministic on a listpack (a scan that
    # takes the entries as if sorted by member) but not on a skiplist (a descent whose path
    # depends on random node levels: two redis-servers differ), and another implementation
    # may answer otherwise on both. Only in that case (looked at before the step) the reply is
    # checked for type and membership, and the key that ZREMRANGEBYLEX or ZRANGESTORE changed
    # is resynchronised on the tested server to the reference's content, even when the two
    # counts agree (they may count different members). The generator sends most lex ranges
    # to a sorted set whose members all have score 0, where everything is exact.
    if not ctx.prepared or is_error(ref_raw) or is_error(tst_raw):
        return compare_exact(None, None, ref_raw, tst_raw)
    if ref_raw[:1] != tst_raw[:1]:
        return "replies of different types"
    for conn, who, raw in ((ctx.ref, "redis", ref_raw), (ctx.tst, ctx.label, tst_raw)):
        reply = decode(raw)
        if isinstance(reply, list):
            members = {m for m, _ in zset_pairs(conn, who, lex_source(step)) or []}
            if any(m not in members for m in reply):
                return "%s: replied a member that is not in the sorted set" % who
    if step.name in ("ZREMRANGEBYLEX", "ZRANGESTORE"):
        resync_zset(ctx, step.args[1])
    return None


# -- transactions ----------------------------------------------------------------------------

QUEUED = b"+QUEUED\r\n"


def split_array(raw):
    """The raw bytes of each element of an array reply, or None for any other reply (an error,
    a nil, or something malformed)."""
    if raw[:1] != b"*":
        return None
    try:
        eol = raw.index(b"\r\n")
        count = int(raw[1:eol])
        if count < 0:
            return None
        items, pos = [], eol + 2
        for _ in range(count):
            end = resp_wire.reply_end(raw, pos)
            if end is None:
                return None
            items.append(raw[pos:end])
            pos = end
    except (ValueError, resp_wire.WireError):
        return None
    return items if pos == len(raw) else None


def prepare_block(ctx, step):
    """Before the MULTI of a block: what PREPARE finds for each of its steps that needs it,
    by id() of the step. The block's generator made sure that nothing in the block changes
    the keyspace before such a step runs, and nothing changes it between MULTI and EXEC."""
    return {id(inner): PREPARE[inner.check](ctx, inner) for inner in step.inner
            if inner.check in PREPARE}


def compare_exec(ctx, step, ref_raw, tst_raw):
    # EXEC: byte for byte unless both replies are arrays (an error such as EXECABORT, or the
    # nil of a transaction that a WATCH aborted, is exact). Arrays must have as many elements
    # as redis-server QUEUED commands (ctx.queued, in order), and each element is compared
    # with the rule of the command it answers, as if that command had been sent alone: a
    # hashtable's order, a random pick or a SPOP inside EXEC get the same rule as outside. The
    # block's generator placed every step whose rule looks at the keyspace so that after EXEC
    # it sees what it would have seen right after its own reply (diff_fuzz_txn.py).
    ref_items, tst_items = split_array(ref_raw), split_array(tst_raw)
    if ref_items is None or tst_items is None:
        return compare_exact(None, None, ref_raw, tst_raw)
    if len(ref_items) != len(tst_items):
        return "EXEC replies with %d and %d elements" % (len(ref_items), len(tst_items))
    queued = ctx.queued or []
    if len(ref_items) != len(queued):
        return "redis answered EXEC with %d replies for %d queued commands" % (
            len(ref_items), len(queued))
    for n, (inner, ref_item, tst_item) in enumerate(zip(queued, ref_items, tst_items), 1):
        ctx.prepared = ctx.block_prepared.get(id(inner))
        try:
            reason = COMPARE[inner.check](ctx, inner, ref_item, tst_item)
        finally:
            ctx.prepared = None
        if reason is not None:
            return "reply %d of %d, to %s: %s (redis %s, %s %s)" % (
                n, len(queued), show_args(inner.args, 100), reason, show(ref_item, 150),
                ctx.label, show(tst_item, 150))
    return None


COMPARE = {
    "exact": compare_exact, "keys": compare_keys, "scan": compare_scan,
    "randomkey": compare_randomkey, "ttl": compare_ttl, "pttl": compare_pttl,
    "expiretime": compare_expiretime, "pexpiretime": compare_pexpiretime,
    "idletime": compare_idletime, "memusage": compare_memusage,
    "smembers": compare_smembers, "sinter": compare_sinter, "sunion": compare_sunion,
    "sdiff": compare_sdiff, "hgetall": compare_hgetall, "hkeys": compare_hkeys,
    "srandmember": compare_random_pick, "hrandfield": compare_random_pick,
    "zrandmember": compare_random_pick, "spop": compare_spop, "sscan": compare_collection_scan,
    "hscan": compare_collection_scan, "zscan": compare_collection_scan, "zlex": compare_zlex,
    "multi": compare_exact, "exec": compare_exec,
}
# These checks may send more commands after the reply, so they end a pipeline: no later
# command of the stream may change the keyspace before they look at it.
FOLLOW_UP_CHECKS = {"scan", "randomkey", "idletime", "smembers", "sinter", "sunion", "sdiff",
                    "hgetall", "hkeys", "srandmember", "hrandfield", "zrandmember", "spop",
                    "sscan", "hscan", "zscan", "zlex"}
# These checks look at the reference before the step is sent (into ctx.prepared); their steps
# are alone in their pipeline (they are follow-up checks too).
PREPARE = {"zlex": prepare_zlex}
assert set(PREPARE) <= FOLLOW_UP_CHECKS
assert set(COMPARE) == set(diff_fuzz_gen.CHECKS)
# The generator places the steps of a transaction block by these same sets.
assert FOLLOW_UP_CHECKS == diff_fuzz_gen.LOOKS_AFTER
assert set(PREPARE) == diff_fuzz_gen.LOOKS_BEFORE


def alone_in_pipeline(step):
    """A step whose check sends follow-up commands, or looks at the reference before the step,
    is sent alone: nothing after it in the stream runs before its check is done. Inside MULTI
    a step is only queued (its reply is compared byte for byte); an EXEC is alone when a step
    of its block has such a check, a MULTI when one needs preparing before the block."""
    if step.queued:
        return False
    if step.check == "exec":
        return any(inner.check in FOLLOW_UP_CHECKS for inner in step.inner)
    if step.check == "multi":
        return preparation(step) is not None
    return step.check in FOLLOW_UP_CHECKS


def preparation(step):
    """The function that looks at the reference before `step` is sent, or None."""
    if step.queued:
        return None
    if step.check == "multi":
        return prepare_block if any(inner.check in PREPARE for inner in step.inner) else None
    return PREPARE.get(step.check)
