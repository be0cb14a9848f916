"""Raw-socket RESP helpers for black-box tests.

The tests compare servers byte for byte, so this module never normalises a
reply: `read_raw()` returns exactly the bytes of one complete RESP2 or RESP3
reply as they came off the wire. `decode()` turns those bytes into Python
values when a test wants to look inside.

Every blocking call takes a deadline; nothing here can wait forever.
"""

import socket
import time

# Nesting deeper than this is treated as a broken stream, not recursed into.
_MAX_DEPTH = 64

_LINE_TYPES = b"+-:_,#("     # type byte followed by one CRLF-terminated line
_BLOB_TYPES = b"$!="         # length line, then that many bytes and CRLF
_AGGREGATE_TYPES = b"*~>"    # count line, then count replies
# count line, then 2 * count replies. An attribute ('|') is framed as a reply of
# its own; the commands under test never send one.
_PAIR_TYPES = b"%|"


class WireError(Exception):
    """The peer sent something that is not RESP, or closed mid-reply."""


class ConnectionClosed(WireError):
    """The peer closed the connection (possibly in the middle of a reply)."""


class RespError:
    """A decoded error reply ('-ERR ...' or RESP3 blob error)."""

    def __init__(self, message):
        self.message = message

    def __eq__(self, other):
        return isinstance(other, RespError) and other.message == self.message

    def __repr__(self):
        return "RespError(%r)" % self.message


def _as_bytes(arg):
    if isinstance(arg, bytes):
        return arg
    if isinstance(arg, (bytearray, memoryview)):
        return bytes(arg)
    if isinstance(arg, int):
        return str(arg).encode()
    if isinstance(arg, str):
        return arg.encode("utf-8", "surrogateescape")
    raise TypeError("cannot encode %r as a RESP bulk string" % (arg,))


def encode(*args):
    """Encodes one command as a RESP array of bulk strings."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = _as_bytes(arg)
        parts.append(b"$%d\r\n" % len(data))
        parts.append(data)
        parts.append(b"\r\n")
    return b"".join(parts)


def encode_many(commands):
    return b"".join(encode(*cmd) for cmd in commands)


def reply_end(buf, pos=0, depth=0):
    """Returns the index just past the reply starting at `pos`, or None if
    `buf` does not yet hold all of it. Raises WireError on garbage."""
    if depth > _MAX_DEPTH:
        raise WireError("reply nested deeper than %d levels" % _MAX_DEPTH)
    if pos >= len(buf):
        return None
    kind = buf[pos]
    eol = buf.find(b"\r\n", pos + 1)
    if eol < 0:
        return None
    header = bytes(buf[pos + 1:eol])
    after_header = eol + 2
    if kind in _LINE_TYPES:
        return after_header
    try:
        count = int(header)
    except ValueError:
        raise WireError("bad length %r after type %r" % (header, chr(kind)))
    if kind in _BLOB_TYPES:
        if count < 0:
            return after_header
        end = after_header + count + 2
        if len(buf) < end:
            return None
        if bytes(buf[end - 2:end]) != b"\r\n":
            raise WireError("blob of length %d not followed by CRLF" % count)
        return end
    if kind in _AGGREGATE_TYPES or kind in _PAIR_TYPES:
        if count < 0:
            return after_header
        items = count * 2 if kind in _PAIR_TYPES else count
        cursor = after_header
        for _ in range(items):
            cursor = reply_end(buf, cursor, depth + 1)
            if cursor is None:
                return None
        return cursor
    raise WireError("unknown RESP type byte %r at offset %d" % (chr(kind), pos))


def _decode_at(raw, pos, depth):
    kind = raw[pos]
    eol = raw.find(b"\r\n", pos + 1)
    header = raw[pos + 1:eol]
    nxt = eol + 2
    if kind == ord("+"):
        return header.decode("utf-8", "replace"), nxt
    if kind == ord("-"):
        return RespError(header.decode("utf-8", "replace")), nxt
    if kind == ord(":"):
        return int(header), nxt
    if kind == ord("_"):
        return None, nxt
    if kind == ord(","):
        return float(header), nxt
    if kind == ord("#"):
        return header == b"t", nxt
    if kind == ord("("):
        return int(header), nxt
    count = int(header)
    if kind in _BLOB_TYPES:
        if count < 0:
            return None, nxt
        data = raw[nxt:nxt + count]
        if kind == ord("!"):
            return RespError(data.decode("utf-8", "replace")), nxt + count + 2
        return data, nxt + count + 2
    if count < 0:
        return None, nxt
    if kind in _PAIR_TYPES:
        result = {}
        for _ in range(count):
            key, nxt = _decode_at(raw, nxt, depth + 1)
            value, nxt = _decode_at(raw, nxt, depth + 1)
            result[key if not isinstance(key, list) else tuple(key)] = value
        return result, nxt
    items = []
    for _ in range(count):
        item, nxt = _decode_at(raw, nxt, depth + 1)
        items.append(item)
    return items, nxt


def decode(raw):
    """Decodes the bytes of exactly one reply (as returned by read_raw)."""
    end = reply_end(raw)
    if end is None or end != len(raw):
        raise WireError("decode() needs exactly one complete reply, got %r" % raw[:200])
    value, _ = _decode_at(raw, 0, 0)
    return value


class Conn:
    """A blocking client connection that reads one raw reply at a time."""

    def __init__(self, port, host="127.0.0.1", timeout=10.0):
        self.timeout = timeout
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def send_command(self, *args):
        self.sock.sendall(encode(*args))

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("no complete reply before the deadline")
        self.sock.settimeout(remaining)
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionClosed("server closed the connection")
        self.buf += chunk

    def read_raw(self, timeout=None):
        """Returns the bytes of the next complete reply."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            end = reply_end(self.buf)
            if end is not None:
                raw = bytes(self.buf[:end])
                del self.buf[:end]
                return raw
            self._fill(deadline)

    def read_value(self, timeout=None):
        return decode(self.read_raw(timeout))

    def call_raw(self, *args, timeout=None):
        self.send_command(*args)
        return self.read_raw(timeout)

    def call(self, *args, timeout=None):
        self.send_command(*args)
        return self.read_value(timeout)

    def read_until_closed(self, timeout=None):
        """Reads until EOF; returns everything left in the stream. Raises
        socket.timeout if the server keeps the connection open."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            try:
                self._fill(deadline)
            except ConnectionClosed:
                break
            except ConnectionResetError:
                break
        rest = bytes(self.buf)
        self.buf.clear()
        return rest
