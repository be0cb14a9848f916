"""Datasets for persistence tests: values of every type in each of its encodings, built the
same way on any server, and readers that turn a key, or a whole keyspace, into plain Python
values that compare equal across servers (redis-server and Shardis) whatever their internal
order."""

def build_values(rng):
    """[(key, [commands that build it])]: every type in each of its encodings."""
    big = [("e%d-" % i).encode() + bytes(rng.randrange(256) for _ in range(rng.randrange(60)))
           for i in range(1500)]
    values = [
        (b"str:emb", [["SET", b"str:emb", b"hello \x00\xff world"]]),
        (b"str:int", [["SET", b"str:int", b"-123456"]]),
        (b"str:int64", [["SET", b"str:int64", b"9223372036854775807"]]),
        (b"str:raw", [["SET", b"str:raw", bytes(rng.randrange(256) for _ in range(300))]]),
        (b"str:lzf", [["SET", b"str:lzf", b"abcabcabc" * 200]]),
        (b"str:empty", [["SET", b"str:empty", b""]]),
        (b"\x00bin\xffkey", [["SET", b"\x00bin\xffkey", b"v"]]),
        (b"list:small", [["RPUSH", b"list:small", b"a", b"12", b"-5", b"\x00", b"x" * 70]]),
        (b"list:big", [["RPUSH", b"list:big"] + big]),
        (b"list:mixed", [["LPUSH", b"list:mixed"] + big[:300], ["RPUSH", b"list:mixed", b"1"]]),
        (b"hash:lp", [["HSET", b"hash:lp", b"f", b"v", b"n", b"42", b"neg", b"-7", b"\xff", b""]]),
        (b"hash:ht", [["HSET", b"hash:ht"] + [x for i in range(600) for x in
                                             (b"f%d" % i, b"%d" % (i * 37))]]),
        (b"hash:long", [["HSET", b"hash:long", b"f", b"v" * 100]]),
        (b"set:int16", [["SADD", b"set:int16", b"1", b"2", b"-300"]]),
        (b"set:int64", [["SADD", b"set:int64", b"1", b"5000000000", b"-9223372036854775808"]]),
        (b"set:ht", [["SADD", b"set:ht", b"a", b"b", b"\x00c"]]),
        (b"set:bigint", [["SADD", b"set:bigint"] + [b"%d" % i for i in range(600)]]),
        (b"zset:lp", [["ZADD", b"zset:lp", b"1", b"a", b"2.5", b"b", b"-inf", b"c",
                       b"1e300", b"d", b"0.1", b"e"]]),
        (b"zset:sl", [["ZADD", b"zset:sl"] + [x for i in range(300) for x in
                                             (b"%r" % (i / 7.0), b"m%d" % i)]]),
        (b"zset:long", [["ZADD", b"zset:long", b"3", b"m" * 100]]),
    ]
    return values


def read_key(conn, key):
    """(type, contents, encoding) of key, in a form that compares equal across servers."""
    kind = conn.type(key)
    if kind == b"string":
        value = conn.get(key)
    elif kind == b"list":
        value = conn.lrange(key, 0, -1)
    elif kind == b"hash":
        value = sorted(conn.hgetall(key).items())
    elif kind == b"set":
        value = sorted(conn.smembers(key))
    elif kind == b"zset":
        value = conn.zrange(key, 0, -1, withscores=True)
    else:
        value = None
    return kind, value, conn.object("encoding", key)



def keyspace(conn, dbs=16):
    """{(db, key): (type, contents, encoding, has_ttl)} of every key of every database, read
    through SCAN and each type's read commands. conn: a redis-py client (it is left on db 0)."""
    out = {}
    for db in range(dbs):
        conn.execute_command("SELECT", db)
        cursor = 0
        while True:
            cursor, keys = conn.scan(cursor, count=1000)
            for key in keys:
                kind, value, encoding = read_key(conn, key)
                out[(db, key)] = (kind, value, encoding, conn.pttl(key) > 0)
            if int(cursor) == 0:
                break
    conn.execute_command("SELECT", 0)
    return out


def fill_databases(conn, rng, dbs=16):
    """build_values() in database 0, and a few keys of each type, some with a TTL, in every
    other database. Returns how many keys it made."""
    n = 0
    conn.execute_command("SELECT", 0)
    for _key, commands in build_values(rng):
        for command in commands:
            conn.execute_command(*command)
        n += 1
    for db in range(1, dbs):
        conn.execute_command("SELECT", db)
        conn.set(b"s%d" % db, b"v%d" % db)
        conn.set(b"t%d" % db, b"ttl", px=3600000 + db)
        conn.rpush(b"l%d" % db, *[b"%d" % i for i in range(db + 1)])
        conn.hset(b"h%d" % db, mapping={b"f": b"%d" % db})
        conn.sadd(b"z%d" % db, b"a", b"b")
        conn.zadd(b"zs%d" % db, {b"m": db})
        conn.pexpire(b"zs%d" % db, 7200000)
        n += 6
    conn.execute_command("SELECT", 0)
    return n


def compare_keyspaces(check, got, want, what):
    """One check: got and want ({(db, key): value} from keyspace()) are equal and not empty; on
    failure the detail names a few missing, extra and different keys."""
    missing = sorted(k for k in want if k not in got)[:5]
    extra = sorted(k for k in got if k not in want)[:5]
    differ = sorted(k for k in want if k in got and got[k] != want[k])[:5]
    check.check(not missing and not extra and not differ and len(want) > 0,
                "%s: %d keys equal" % (what, len(want)),
                "missing %r, extra %r, different %r" % (missing, extra,
                                                        [(k, str(got[k])[:200], str(want[k])[:200])
                                                         for k in differ]))


# Redis's CRC-64 (Jones polynomial, reflected, initial value 0), as at the end of a DUMP payload.
_CRC64_POLY = 0x95AC9329AC4BC9B5
_CRC64_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ _CRC64_POLY if _c & 1 else _c >> 1
    _CRC64_TABLE.append(_c)


def redis_crc64(data, crc=0):
    for b in data:
        crc = _CRC64_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


def with_new_checksum(payload):
    """A DUMP payload whose last 8 bytes are made the CRC-64 of the rest again."""
    body = payload[:-8]
    return body + redis_crc64(body).to_bytes(8, "little")
