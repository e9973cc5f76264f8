"""States as a flat int64 array and back, for checkpoints (checkpoint.py).

A state is a tuple of internal values (state.py): ints, bools, NONE (the
encoding of `none`), tuples and frozensets of those. Each value becomes one
or more tokens; the low three bits of a token tell its kind, the rest its
payload:

    INT    v << 3          an int with |v| < 2^59
    BIG    n << 3          an int of |n| 60-bit limbs that follow (n < 0: negative)
    TUPLE  len << 3        followed by its items
    SET    len << 3        a frozenset, followed by its items
    NONE / FALSE / TRUE    no payload

The array is saved with numpy (no pickle), and a checkpoint directory is
input like any other: `decode` checks every tag, length and nesting depth and
raises ValueError on anything malformed, so a corrupt file can neither crash
the checker nor make it build anything but these values.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from specpy.explicit import runtime

INT, BIG, TUPLE, SET, NONE, FALSE, TRUE = range(7)
SMALL = 1 << 59
LIMB_BITS = 60
LIMB_MASK = (1 << LIMB_BITS) - 1
#: Deeper nesting than any state of a spec has; guards decoding against crafted input.
MAX_DEPTH = 64
#: Tokens gathered as Python ints before they go into a numpy array.
PIECE = 1 << 16


def encode(states: Iterable[tuple]) -> tuple[np.ndarray, int]:
    """The tokens of the states, and how many states there were.

    Tokens are gathered in pieces of about PIECE, so that encoding a large
    frontier holds one piece as Python ints, not the whole of it.
    """
    pieces: list[np.ndarray] = []
    out: list[int] = []
    count = 0
    for s in states:
        _encode(s, out)
        count += 1
        if len(out) >= PIECE:
            pieces.append(np.asarray(out, dtype=np.int64))
            out = []
    pieces.append(np.asarray(out, dtype=np.int64))
    return np.concatenate(pieces), count


def _encode(v: object, out: list[int]) -> None:
    t = type(v)
    if t is int:
        if -SMALL <= v < SMALL:  # type: ignore[operator]
            out.append(v << 3)  # type: ignore[operator]
            return
        magnitude = abs(v)  # type: ignore[arg-type]
        limbs = []
        while magnitude:
            limbs.append(magnitude & LIMB_MASK)
            magnitude >>= LIMB_BITS
        out.append(((len(limbs) if v > 0 else -len(limbs)) << 3) | BIG)  # type: ignore[operator]
        out.extend(limbs)
    elif t is tuple or t is frozenset:
        out.append((len(v) << 3) | (TUPLE if t is tuple else SET))  # type: ignore[arg-type]
        for x in v:  # type: ignore[attr-defined]
            _encode(x, out)
    elif t is float and v == runtime.NONE:
        out.append(NONE)
    elif t is bool:
        out.append(TRUE if v else FALSE)
    else:
        raise TypeError(f"not an internal state value: {type(v).__name__}")


def decode(tokens: np.ndarray, count: int) -> list[tuple]:
    """`count` states from `tokens`; ValueError if the tokens are not exactly that."""
    if tokens.dtype != np.int64 or tokens.ndim != 1:
        raise ValueError("frontier is not a 1-D int64 array")
    items = tokens.tolist()
    n = len(items)
    pos = 0

    def value(depth: int) -> object:
        nonlocal pos
        if pos >= n:
            raise ValueError("frontier ends inside a state")
        token = items[pos]
        pos += 1
        tag, payload = token & 7, token >> 3
        if tag == INT:
            return payload
        if tag in (TUPLE, SET):
            if depth >= MAX_DEPTH or not 0 <= payload <= n - pos:
                raise ValueError("malformed frontier (nesting or length)")
            elems = [value(depth + 1) for _ in range(payload)]
            return tuple(elems) if tag == TUPLE else frozenset(elems)
        if tag == BIG:
            size = abs(payload)
            if not 0 < size <= n - pos:
                raise ValueError("malformed frontier (big integer)")
            limbs = items[pos : pos + size]
            pos += size
            if any(not 0 <= x <= LIMB_MASK for x in limbs):
                raise ValueError("malformed frontier (big integer limb)")
            magnitude = sum(x << (LIMB_BITS * i) for i, x in enumerate(limbs))
            return magnitude if payload > 0 else -magnitude
        if payload == 0 and tag in (NONE, FALSE, TRUE):
            return runtime.NONE if tag == NONE else tag == TRUE
        raise ValueError(f"malformed frontier (token {token})")

    states = []
    for _ in range(count):
        s = value(0)
        if type(s) is not tuple:
            raise ValueError("a frontier state is not a tuple")
        states.append(s)
    if pos != n:
        raise ValueError("frontier has trailing data")
    return states
