"""Mutations of real specs, for the fuzz tests and bench/fuzz.

Each mutator takes the text of a spec and a random.Random and returns bytes:
specs are mutated at the token level (delete, duplicate, swap, truncate), at
the byte level (random bytes, invalid UTF-8), and with hostile shapes (very
long lines, 10,000-deep nesting, huge integers, Python keywords and builtins
as identifiers). The outcome of loading and checking each input must be a
result or a located error — never an uncaught exception.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

TOKEN = re.compile(r"#[^\n]*|[A-Za-z_][A-Za-z0-9_]*|\d+|\.\.|->|==|!=|<=|>=|//|\+=|-=|\S")

PYTHON_NAMES = [
    "__import__", "exec", "eval", "lambda", "None", "True", "False", "import", "os",
    "sys", "__builtins__", "__class__", "print", "open", "globals", "self", "class",
    "def_", "yield", "await", "async", "nonlocal", "del", "pass", "raise", "return",
]


def split(text: str) -> tuple[list[str], list[str]]:
    """Tokens and the layout between them (comments count as layout).

    Mutating the token list and re-joining with the original layout keeps
    newlines, so a mutant is a near-miss of a real spec, not one long line.
    """
    toks, gaps, pos = [], [], 0
    for m in TOKEN.finditer(text):
        if m.group().startswith("#"):
            continue
        gaps.append(text[pos:m.start()])
        toks.append(m.group())
        pos = m.end()
    gaps.append(text[pos:])
    return toks, gaps


def rejoin(toks: list[str], gaps: list[str]) -> bytes:
    gaps = gaps + [" "] * max(0, len(toks) + 1 - len(gaps))
    out = [gaps[0]]
    for tok, gap in zip(toks, gaps[1:]):
        out += [tok, gap]
    return "".join(out).encode()


def delete_token(text: str, rng: random.Random) -> bytes:
    t, g = split(text)
    if t:
        i = rng.randrange(len(t))
        del t[i]
        del g[i + 1]
    return rejoin(t, g)


def duplicate_token(text: str, rng: random.Random) -> bytes:
    t, g = split(text)
    if t:
        i = rng.randrange(len(t))
        t.insert(i, t[i])
        g.insert(i + 1, " ")
    return rejoin(t, g)


def swap_tokens(text: str, rng: random.Random) -> bytes:
    t, g = split(text)
    if len(t) > 1:
        i, j = rng.randrange(len(t)), rng.randrange(len(t))
        t[i], t[j] = t[j], t[i]
    return rejoin(t, g)


def truncate(text: str, rng: random.Random) -> bytes:
    return text[: rng.randrange(len(text) + 1)].encode()


def random_bytes(text: str, rng: random.Random) -> bytes:
    data = bytearray(text.encode())
    for _ in range(rng.randint(1, 8)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def invalid_utf8(text: str, rng: random.Random) -> bytes:
    data = text.encode()
    i = rng.randrange(len(data) + 1)
    return data[:i] + rng.choice([b"\xff", b"\xc3\x28", b"\xe2\x82", b"\x80"]) + data[i:]


def long_line(text: str, rng: random.Random) -> bytes:
    lines = text.splitlines()
    i = rng.randrange(len(lines) + 1)
    lines.insert(i, "invariant Long: " + " and ".join(["true"] * rng.randint(200, 2000)))
    return "\n".join(lines).encode()


def deep_nesting(text: str, rng: random.Random) -> bytes:
    depth = rng.choice([150, 1000, 10_000])
    opener, closer = rng.choice([("(", ")"), ("[", "]"), ("{", "}"), ("not ", "")])
    return (text + f"\ninvariant Deep: {opener * depth}true{closer * depth}\n").encode()


def huge_integer(text: str, rng: random.Random) -> bytes:
    digits = "9" * rng.choice([20, 400, 5000])
    t, g = split(text)
    ints = [i for i, tok in enumerate(t) if tok.isdigit()]
    if ints:
        t[rng.choice(ints)] = digits
        return rejoin(t, g)
    return (text + f"\nconst Huge = {digits}\n").encode()


def python_identifiers(text: str, rng: random.Random) -> bytes:
    t, g = split(text)
    names = sorted({tok for tok in t if tok[0].isalpha() or tok[0] == "_"})
    if names:
        victim = rng.choice(names)
        evil = rng.choice(PYTHON_NAMES)
        t = [evil if tok == victim else tok for tok in t]
    return rejoin(t, g)


MUTATORS: list[Callable[[str, random.Random], bytes]] = [
    delete_token, duplicate_token, swap_tokens, truncate, random_bytes,
    invalid_utf8, long_line, deep_nesting, huge_integer, python_identifiers,
]
