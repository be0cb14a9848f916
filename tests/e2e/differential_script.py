"""Reads tests/e2e/differential_script.txt (see the header of that file)."""

import ast
import os
import re

SCRIPT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "differential_script.txt")

_TOKEN = re.compile(r"""
    (?P<quoted>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')(?:\*(?P<repeat>[0-9]+))?
  | (?P<bare>[^\s"']+)
""", re.VERBOSE)


class Step:
    """One line of the script.

    kind is 'cmd' (send args, compare the reply), 'nocompare' (send, read one
    reply, ignore it), 'tolerance' (integer replies may differ by `tolerance`),
    'sleep' (pause `seconds`), 'conn' (later lines use connection `conn`) or
    'read' (send nothing, read and compare one more reply or push message) or
    'send' (send args, read nothing yet: a later 'read' takes the reply)."""

    def __init__(self, kind, line_no, text, args=(), tolerance=0, seconds=0.0, conn=1):
        self.kind = kind
        self.line_no = line_no
        self.text = text
        self.args = list(args)
        self.tolerance = tolerance
        self.seconds = seconds
        self.conn = conn


def tokenize(text, line_no):
    args = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        match = _TOKEN.match(text, pos)
        if not match:
            raise ValueError("line %d: cannot parse near %r" % (line_no, text[pos:pos + 20]))
        if match.group("quoted"):
            value = ast.literal_eval("b" + match.group("quoted"))
            if match.group("repeat"):
                value = value * int(match.group("repeat"))
        else:
            value = match.group("bare").encode()
        args.append(value)
        pos = match.end()
        if pos < len(text) and not text[pos].isspace():
            raise ValueError("line %d: tokens must be separated by spaces near %r"
                             % (line_no, text[pos:pos + 20]))
    return args


def parse(path=SCRIPT_PATH):
    steps = []
    with open(path, encoding="utf-8") as f:
        for line_no, raw in enumerate(f, 1):
            text = raw.strip()
            if not text or text.startswith("#"):
                continue
            if text.startswith("@sleep"):
                steps.append(Step("sleep", line_no, text, seconds=float(text.split()[1])))
                continue
            if text.startswith("@conn"):
                steps.append(Step("conn", line_no, text, conn=int(text.split()[1])))
                continue
            if text == "@read":
                steps.append(Step("read", line_no, text))
                continue
            kind, tolerance = "cmd", 0
            if text.startswith("?"):
                kind, text = "nocompare", text[1:]
            elif text.startswith("!"):
                kind, text = "send", text[1:]
            elif text.startswith("~"):
                head, _, text = text.partition(" ")
                kind, tolerance = "tolerance", int(head[1:])
            args = tokenize(text, line_no)
            if not args:
                raise ValueError("line %d: empty command" % line_no)
            steps.append(Step(kind, line_no, text, args=args, tolerance=tolerance))
    return steps
