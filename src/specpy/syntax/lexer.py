"""The parser's contextual lexer: Lark's tokens, without Lark's start-up cost.

Lark's contextual lexer makes one lexer for each of the grammar's ~800 parser
states (~200 distinct) when the parser loads, and each compiles its own
regular expression the first time the parser is in its state: on a
one-state spec that was a fifth of `specpy check`'s start-up, on
specs/raft.spec ~80 compilations and most of its first parse (issue #15).
`LazyContextualLexer` makes a state's lexer on first use, and matches with
scanners shared by every state, each compiled once:

A state's scanner is the alternation of the state's terminals in one fixed
order (priority, then width, then name), and its match is the first
alternative that matches. A shared scanner is the alternation of every
terminal but some, in the same order. When its match is a terminal the state
tries, that is the state's match too: the state's alternatives are a
subsequence of the shared ones, and every one before the match failed. When
it is a terminal the state does not try (a block's `{` where a value's `{` is
expected), the shared scanner without that terminal decides, and so on; when
nothing matches, nothing of the state's does, and Lark's own scanner of the
state reports the error. Keywords are Lark's `_create_unless` as a dictionary
lookup: a NAME whose whole text is a keyword string the state tries becomes
that keyword. tests/syntax/test_lexer.py compares the tokens with Lark's
stock lexer on every spec and on random token soups.

Lark calls the lexer through its `_plugins` option (tables.py); only the
shipped tables use it, which Lark validated when they were built.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection
from copy import copy
from typing import Any

from lark import Token
from lark.common import LexerConf
from lark.lexer import BasicLexer, ContextualLexer, PatternRE, PatternStr, Scanner, TerminalDef


class LazyContextualLexer(ContextualLexer):
    """Lark's contextual lexer with lexers made on first use that share their scanners (module docstring).

    Each state's lexer has the terminals Lark would give it: the state's
    accepted ones plus the ignored and the post-lexer's always-accepted ones;
    states with the same terminals share one.
    """

    def __init__(self, conf: LexerConf, states: dict[int, Collection[str]], always_accept: Collection[str] = ()) -> None:
        everyone = copy(conf)
        everyone.terminals = list(conf.terminals)
        everyone.skip_validation = True
        self.root_lexer = BasicLexer(everyone)
        shared = SharedScanners(conf, _keywords(self.root_lexer.terminals)[0])
        by_terminals: dict[frozenset[str], SharedScannerLexer] = {}
        extra = set(conf.ignore) | set(always_accept)

        def make(state: int) -> SharedScannerLexer:
            key = frozenset(states[state])
            if key not in by_terminals:
                state_conf = copy(everyone)
                state_conf.terminals = [conf.terminals_by_name[n] for n in key | extra if n in conf.terminals_by_name]
                by_terminals[key] = SharedScannerLexer(state_conf, shared)
            return by_terminals[key]

        self.lexers = _StateLexers(make)


class _StateLexers(dict[int, Any]):
    """A parser state's lexer, made the first time the parser is in that state."""

    def __init__(self, make: Callable[[int], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, state: int) -> Any:
        lexer = self[state] = self.make(state)
        return lexer


class SharedScanners:
    """The scanners shared by every parser state: the alternation of every
    terminal but some (`excluding`), in Lark's order, each compiled once."""

    def __init__(self, conf: LexerConf, terminals: list[TerminalDef]) -> None:
        self.conf = conf
        self.terminals = terminals
        self.names = frozenset(t.name for t in terminals)
        self.made: dict[frozenset[str], Scanner] = {}

    def excluding(self, names: frozenset[str]) -> Scanner:
        scanner = self.made.get(names)
        if scanner is None:
            conf = self.conf
            kept = [t for t in self.terminals if t.name not in names]
            scanner = self.made[names] = Scanner(kept, conf.g_regex_flags, conf.re_module, conf.use_bytes)
        return scanner


class SharedScannerLexer(BasicLexer):
    """One parser state's lexer, matching with the shared scanners (module docstring)."""

    def __init__(self, conf: LexerConf, shared: SharedScanners) -> None:
        super().__init__(conf)
        tried, retype = _keywords(self.terminals)
        self.tried = frozenset(t.name for t in tried)
        # A state that tries a terminal no shared scanner has, or whose callbacks
        # are more than keywords, scans with its own scanner, as in Lark.
        alone = not self.tried <= shared.names or retype is None or bool(self.user_callbacks)
        self.shared = None if alone else shared
        if self.shared is not None:
            self.callback = {name: _Retype(keywords) for name, keywords in (retype or {}).items()}

    def match(self, text: Any, pos: int) -> Any:
        if self.shared is None:
            return self.scanner.match(text, pos)  # Lark's own: builds the state's scanner and callbacks
        excluded: frozenset[str] = frozenset()
        while True:
            found = self.shared.excluding(excluded).match(text, pos)
            if found is None or found[1] in self.tried:
                return found
            excluded |= {found[1]}


class _Retype:
    """Lark's UnlessCallback as a lookup: a token whose whole text is a keyword the state tries becomes it."""

    def __init__(self, keywords: dict[str, str]) -> None:
        self.keywords = keywords

    def __call__(self, t: Token) -> Token:
        t.type = self.keywords.get(t.value, t.type)
        return t


def _keywords(terminals: list[TerminalDef]) -> tuple[list[TerminalDef], dict[str, dict[str, str]] | None]:
    """What Lark's `_create_unless` makes of a lexer's terminals, without compiling a scanner.

    The terminals its scanner tries: all but the strings that a regex terminal
    of the same priority matches whole (keywords, matched as NAME); and per such
    regex terminal, the text of each of those strings -> its terminal (Lark's
    callback takes the first). None for the callbacks when one is not a plain
    text comparison (a string with flags): Lark's own scanner handles those.
    """
    regexes = [t for t in terminals if isinstance(t.pattern, PatternRE)]
    strings = [t for t in terminals if isinstance(t.pattern, PatternStr)]
    embedded: set[str] = set()
    retype: dict[str, dict[str, str]] | None = {}
    for retok in regexes:
        unless = [s for s in strings if s.priority == retok.priority and _matches_whole(retok, s.pattern.value)]
        embedded.update(s.name for s in unless if s.pattern.flags <= retok.pattern.flags)
        if unless and retype is not None:
            if any(s.pattern.flags for s in unless):
                retype = None
            else:
                keywords = retype[retok.name] = {}
                for s in unless:
                    keywords.setdefault(s.pattern.value, s.name)
    return [t for t in terminals if t.name not in embedded], retype


@functools.cache
def _matches_whole(retok: TerminalDef, text: str) -> bool:
    """Lark's test: the regex terminal's match at the start of `text` is all of it."""
    m = re.match(retok.pattern.to_regexp(), text)
    return m is not None and m.group(0) == text
