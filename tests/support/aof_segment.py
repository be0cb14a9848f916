"""Shardis AOF segments written from Python, following docs/durability.md and
include/shardis/persist/aof_format.h independently of the C++ writer: a cross-check of the
format for the tests of tools/aof_check."""

import struct

_POLY = 0x82F63B78  # CRC-32C, reflected
_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ _POLY if _c & 1 else _c >> 1
    _TABLE.append(_c)


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def header(shard=0, shards=1, sequence=1):
    head = b"SHARDAOF" + struct.pack("<IIIQ", 1, shard, shards, sequence)
    return head + struct.pack("<I", crc32c(head))


def record(commands, txn_id=0, participants=1):
    """commands: [(db, [arg bytes, ...]), ...] -> the record's bytes."""
    payload = struct.pack("<QH", txn_id, participants) + _varint(len(commands))
    for db, argv in commands:
        payload += _varint(db) + _varint(len(argv))
        for a in argv:
            payload += _varint(len(a)) + a
    length = struct.pack("<I", len(payload))
    return length + struct.pack("<I", crc32c(length + payload)) + payload
