"""The syntax stage: .spec text → ast.Module, or a SpecError with located diagnostics.

The grammar (grammar.lark) is LALR(1), parsed by lalr.py over the tables Lark
generated from it (tables.py; Lark is not imported to parse) and lexed by a
contextual lexer (lexer.py), which only tries the terminals the parser can
accept next. Three things follow:

* Newlines are significant only where a statement or declaration may end;
  elsewhere (after an operator, inside brackets) they are whitespace.
* Block braces and expression braces are different terminals; the parser's
  state decides which one a `{` is. In the header of `if`, `for`, `choose` and
  `receive` the grammar has no constructions, so `if x == V {` opens the block
  at `V {` (write `(V{f: 1})` there).
* Keywords are contextual unless reserved. Reserved words are never names:

    spec const type var init def action invariant transition property
    constraint terminal faults require let if else choose either for send
    receive assert where in is and or not implies forall exists true false none

  Contextual keywords are names wherever the parser does not expect the keyword:
  enum set seq bag symmetric durable fair strong to always eventually leadsto
  lose duplicate crash resets budget processes measure (so `action
  crash(s: Server)` is fine).

The parser's errors are turned into Diagnostics with stable codes and messages
in the user's terms ("unexpected `}`; expected an expression"). Inputs nested
deeper than MAX_NESTING brackets or MAX_TREE_DEPTH syntax levels are refused
with a located error, so no later stage can hit Python's recursion limit.
A chain of `and` (or of `or`) counts as one level however long it is, up to
MAX_CHAIN_DEPTH levels counted term by term: `a and b and c` is
`(a and b) and c`, and the stages that recurse over it (code generation for
C, Z3, TLA+) need a frame or two per term, so importing specpy raises
the interpreter's recursion limit (specpy.RECURSION_LIMIT); the stages whose cost grew
with the square of a chain's length (type checking, range analysis, Python
code generation) walk chains in one loop.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

from specpy.diagnostics import Diagnostic, Note, SourceFile, SpecError, Span
from specpy.syntax import ast
from specpy.syntax.lalr import Parser, UnexpectedToken
from specpy.syntax.lexer import UnexpectedCharacters
from specpy.syntax.tables import GRAMMAR, runtime_tables
from specpy.syntax.transform import AstBuilder, span_of, token_span
from specpy.syntax.tree import Token, Tree

RESERVED_WORDS: tuple[str, ...] = (
    "spec", "const", "type", "var", "init", "def", "action", "invariant", "transition",
    "property", "constraint", "terminal", "faults", "require", "let", "if", "else",
    "choose", "either", "for", "send", "receive", "assert", "where", "in", "is", "and",
    "or", "not", "implies", "forall", "exists", "true", "false", "none",
)  # fmt: skip

CONTEXTUAL_KEYWORDS: tuple[str, ...] = (
    "enum", "set", "seq", "bag", "symmetric", "durable", "fair", "strong", "to",
    "always", "eventually", "leadsto", "lose", "duplicate", "crash", "resets", "budget",
    "processes", "proc", "match", "measure",
)  # fmt: skip

#: Contextual keywords that may start a statement or an expression, where a
#: name may start one too: there they are the keyword, so they can be names
#: only where no statement or expression starts (a field, a type, a case).
SOFT_KEYWORDS: tuple[str, ...] = ("match",)

#: Open brackets allowed at once; deeper input is refused at the bracket.
MAX_NESTING = 100
#: Parse-tree levels allowed, a chain of `and` or `or` counting once; deeper is
#: refused. Generated Python nests one parenthesis per level, and Python
#: parses 200.
MAX_TREE_DEPTH = 150
#: Parse-tree levels allowed counting every term of a chain: 5,000 `and`s.
MAX_CHAIN_DEPTH = 5_000

_OPENERS = frozenset({"LPAR", "LSQB", "_LBRACE", "_BLOCK_LBRACE"})
_CLOSERS = frozenset({"RPAR", "RSQB", "RBRACE"})
_CLOSING = {"(": ")", "[": "]", "{": "}"}


class _NestingTooDeep(Exception):
    def __init__(self, token: Token) -> None:
        super().__init__(token)
        self.token = token


class BracketTracker:
    """The post-lexer: newlines inside brackets, and absurd nesting.

    Inside `( )`, `[ ]` and expression braces a newline never separates. The
    contextual lexer alone cannot tell, because LALR merges the state after an
    operand inside brackets with the same state at the end of a statement.
    Nesting deeper than MAX_NESTING is refused at the bracket.

    `always_accept` makes every state's lexer also try NAME and the operators
    that extend a shorter one, so `ifx` is a name (not `if` + `x`) and `==`
    never lexes as `=` `=` where only `=` fits.
    """

    always_accept = (
        "NAME", "EQUAL_EQUAL", "NOT_EQUAL", "LESS_EQUAL", "GREATER_EQUAL", "DOT_DOT",
        "SLASH_SLASH", "ARROW", "FAT_ARROW", "PLUS_EQUAL", "MINUS_EQUAL",
    )  # fmt: skip

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        open_brackets: list[str] = []
        for token in stream:
            if token.type in _OPENERS:
                open_brackets.append(token.type)
                if len(open_brackets) > MAX_NESTING:
                    raise _NestingTooDeep(token)
            elif token.type in _CLOSERS and open_brackets:
                open_brackets.pop()
            elif token.type == "_SEP" and token != ";" and open_brackets and open_brackets[-1] != "_BLOCK_LBRACE":
                continue
            yield token


@functools.cache
def _parser() -> Parser:
    """The parser, from the tables generated from grammar.lark (tables.py)."""
    return Parser(runtime_tables(GRAMMAR.read_text(encoding="utf-8")), BracketTracker())


def parse(source: SourceFile) -> ast.Module:
    """Parse a whole spec file; raise SpecError on any syntax error."""
    return AstBuilder(source.path).build(_tree(source))


def tokens(source: SourceFile) -> list[Token]:
    """The tokens of a spec that parses (call `parse` first), typed as the parser saw them.

    For tools that work on the text (the formatter, the language server): the
    contextual lexer, driven by the parser, tells a block `{` (`_BLOCK_LBRACE`)
    from a value's `{` (`_LBRACE`) and a newline that ends a statement (`_SEP`)
    from one that does not (not a token; neither are comments and blanks, which
    lie in the text between two tokens). Each token has its positions
    (`line`, `column`, `end_line`, `end_column`, 1-based; `start_pos`, `end_pos`).
    """
    found: list[Token] = []
    _tree(source, found.append)
    return found


def parse_with_tokens(source: SourceFile) -> tuple[ast.Module, list[Token]]:
    """`parse` and `tokens` in one pass, for tools that need both (one parse instead of two)."""
    found: list[Token] = []
    tree = _tree(source, found.append)
    return AstBuilder(source.path).build(tree), found


def _tree(source: SourceFile, on_token: Callable[[Token], object] | None = None) -> Tree:
    """The parse tree of a spec, within the nesting limits; SpecError on a syntax error."""
    try:
        tree = _parser().parse(source.text, on_token)
    except (UnexpectedCharacters, UnexpectedToken) as err:
        raise SpecError([_diagnose(err, source)]) from None
    except _NestingTooDeep as err:
        span = token_span(source.path, err.token)
        message = f"nesting too deep: more than {MAX_NESTING} open brackets"
        raise SpecError([Diagnostic("E-syntax-too-deep", message, span)]) from None
    _check_depth(tree, source.path)
    return tree


def _check_depth(tree: Tree, path: str) -> None:
    """Refuse trees deeper than MAX_TREE_DEPTH or MAX_CHAIN_DEPTH (walked without recursion)."""
    stack = [(tree, 1, 1)]
    while stack:
        node, depth, links = stack.pop()
        if depth > MAX_TREE_DEPTH or links > MAX_CHAIN_DEPTH:
            message = (
                f"nesting too deep: more than {MAX_TREE_DEPTH} levels" if depth > MAX_TREE_DEPTH
                else f"nesting too deep: more than {MAX_CHAIN_DEPTH:,} levels, counting each term of an `and` or `or` chain"
            )
            raise SpecError([Diagnostic("E-syntax-too-deep", message, span_of(path, node.meta))])
        for child in node.children:
            if isinstance(child, Tree):
                stack.append((child, depth + (not _continues_chain(node, child)), links + 1))


def _continues_chain(node: Tree, child: Tree) -> bool:
    """child is the left operand of node and the same `and` (or `or`): `(a and b) and c`."""
    return (
        node.data == "binary" and child.data == "binary" and node.children[0] is child
        and str(node.children[1]) in ("and", "or") and str(child.children[1]) == str(node.children[1])
    )


# ---------------------------------------------------------------- diagnostics

_EXPRESSION_START = frozenset(
    {"NAME", "INT", "TRUE", "FALSE", "NONE", "LPAR", "LSQB", "_LBRACE", "MINUS", "NOT", "FORALL", "EXISTS",
     "LET", "CHOOSE", "MATCH"}
)
_BINARY_OPERATORS = frozenset(
    {"AND", "OR", "IMPLIES", "EQUAL_EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER",
     "GREATER_EQUAL", "IN", "NOT", "IS", "DOT_DOT", "VBAR", "AMPERSAND", "PLUS", "MINUS",
     "STAR", "SLASH_SLASH", "PERCENT"}
)  # fmt: skip
# What may follow an operand besides a binary operator: folded into "an operator".
_OPERAND_SUFFIXES = frozenset({"IF", "LSQB", "DOT", "LPAR", "QUOTE", "_LBRACE"})
_STATEMENT_START = frozenset(
    {"REQUIRE", "LET", "IF", "CHOOSE", "EITHER", "FOR", "SEND", "RECEIVE", "ASSERT", "NAME", "MATCH"}
)
_DECLARATION_START = frozenset(
    {"SPEC", "CONST", "TYPE", "SYMMETRIC", "VAR", "DURABLE", "INIT", "DEF", "FAIR", "STRONG",
     "ACTION", "INVARIANT", "TRANSITION", "PROPERTY", "CONSTRAINT", "TERMINAL", "FAULTS", "PROCESSES", "PROC",
     "OPERATION", "MEASURE"}
)  # fmt: skip
_TYPE_START = frozenset({"NAME", "SET", "SEQ", "BAG", "LSQB", "INT", "MINUS", "LPAR", "ENUM", "_LBRACE"})

_RESERVED_TERMINALS = frozenset(word.upper() for word in RESERVED_WORDS)
_SPECIAL_NAMES = {"NAME": "a name", "INT": "an integer", "_SEP": "a newline", "$END": "end of file"}
_MAX_EXPECTED = 6

_HEADER_HINT = (
    "in the header of `if`, `for`, `choose` or `receive`, a name followed by `{` "
    "starts the block; to build a value there, write it in parentheses: `(V{f: e})`"
)


def _diagnose(err: UnexpectedCharacters | UnexpectedToken, source: SourceFile) -> Diagnostic:
    if isinstance(err, UnexpectedCharacters):
        return _unexpected_char(err, source)
    if err.token.type != "$END":
        return _unexpected_token(err, source)
    return _unexpected_eof(err, source)


def _unexpected_char(err: UnexpectedCharacters, source: SourceFile) -> Diagnostic:
    char = source.text[err.pos_in_stream]
    span = Span(source.path, err.line, err.column, err.line, err.column + 1)
    if char == '"':
        message = (
            "specpy has no strings (every type is finite): name the values as atoms "
            "(`type Key = {k1, k2}`) or an enum (`type Color = enum { red, green }`)"
        )
        return Diagnostic("E-syntax-no-strings", message, span)
    return Diagnostic("E-syntax-unexpected-char", f"unexpected character `{char}`", span)


def _unexpected_token(err: UnexpectedToken, source: SourceFile) -> Diagnostic:
    token = err.token
    span = token_span(source.path, token)
    expected = _expected(err)
    if str(token) in RESERVED_WORDS and "NAME" in expected and not expected & _RESERVED_TERMINALS:
        message = f"`{token}` is a reserved word and cannot be used as a name"
        return Diagnostic("E-syntax-reserved-word", message, span)
    message = f"unexpected {_describe(token)}; {_expected_phrase(expected)}"
    return Diagnostic("E-syntax-unexpected-token", message, span, _hints(token, expected, source))


def _hints(token: Token, expected: set[str], source: SourceFile) -> tuple[Note, ...]:
    """Notes for the two mistakes a bare token list explains badly."""
    if token.type == "COLON" and "EQUAL" in expected and _after_name_brace_name(source.text, token):
        return (Note(_HEADER_HINT),)
    if token.type in _DECLARATION_START:
        opener = _unclosed_bracket(source.text[: token.start_pos])
        if opener is not None:
            message = f"is a `{_CLOSING[str(opener)]}` missing? the `{opener}` opened here is still open"
            return (Note(message, token_span(source.path, opener)),)
    return ()


def _unexpected_eof(err: UnexpectedToken, source: SourceFile) -> Diagnostic:
    span = _end_span(source)
    message = f"unexpected end of file; {_expected_phrase(_expected(err))}"
    opener = _unclosed_bracket(source.text)
    notes = ()
    if opener is not None:
        notes = (Note(f"`{opener}` opened here is never closed", token_span(source.path, opener)),)
    return Diagnostic("E-syntax-eof", message, span, notes)


def _expected(err: UnexpectedToken) -> set[str]:
    """The terminals that could have come next where the error occurred (lalr.Parser.expected)."""
    return _parser().expected(err.stack)


def _expected_phrase(expected: set[str]) -> str:
    """'expected X', 'expected X or Y', or 'expected one of: X, Y, Z'."""
    items = _summarize(set(expected))
    if not items:
        return "nothing more was expected here"
    if len(items) > _MAX_EXPECTED:
        items = [*items[:_MAX_EXPECTED], "…"]
    if len(items) == 1:
        return f"expected {items[0]}"
    if len(items) == 2:
        return f"expected {items[0]} or {items[1]}"
    return "expected one of: " + ", ".join(items)


def _summarize(names: set[str]) -> list[str]:
    """Fold families of terminals into words a user thinks in."""
    groups: list[str] = []
    if {"SET", "SEQ"} <= names:
        groups.append("a type")
        names -= _TYPE_START
    if {"ACTION", "INVARIANT"} <= names:
        groups.append("a declaration")
        names -= _DECLARATION_START
    if {"REQUIRE", "LET"} <= names:
        groups.append("a statement")
        names -= _STATEMENT_START
    if {"NAME", "INT", "LPAR"} <= names:
        groups.append("an expression")
        names -= _EXPRESSION_START
    if len(names & _BINARY_OPERATORS) >= 4:
        groups.append("an operator")
        names -= _BINARY_OPERATORS | _OPERAND_SUFFIXES
    return sorted(_display(n) for n in names) + groups


@functools.cache
def _terminal_displays() -> dict[str, str]:
    displays = {name: f"`{text}`" for name, text in _parser().strings.items()}
    displays.update(_SPECIAL_NAMES)
    return displays


def _display(terminal: str) -> str:
    return _terminal_displays().get(terminal, terminal)


def _describe(token: Token) -> str:
    """How an offending token is named in a message."""
    if token.type == "NAME":
        return f"name `{token}`"
    if token.type == "INT":
        return f"integer `{token}`"
    if token.type == "_SEP":
        return "`;`" if str(token) == ";" else "end of line"
    if str(token) in RESERVED_WORDS:
        return f"keyword `{token}`"
    return f"`{token}`"


def _after_name_brace_name(text: str, token: Token) -> bool:
    """Whether the text before a `:` reads `Name { name` (a construction in a header)."""
    return re.search(r"[A-Za-z_]\w*\s*\{\s*[A-Za-z_]\w*\s*$", text[: token.start_pos]) is not None


def _unclosed_bracket(text: str) -> Token | None:
    """The innermost bracket left open at the end of the text, if any."""
    stack: list[Token] = []
    for token in _parser().lex(text):
        if token.type in _OPENERS:
            stack.append(token)
        elif token.type in _CLOSERS and stack:
            stack.pop()
    return stack[-1] if stack else None


def _end_span(source: SourceFile) -> Span:
    """A one-column span just after the last non-blank character."""
    body = source.text.rstrip()
    line = body.count("\n") + 1
    column = len(body) - (body.rfind("\n") + 1) + 1
    return Span(source.path, line, column, line, column + 1)
