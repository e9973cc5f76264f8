"""Reading a concurrent history: Jepsen EDN or JSON lines, one event per line.

An event is a map with a process, a type (invoke, ok, fail or info), an
operation name `f` and a value, as Jepsen writes them:

    {:process 0, :type :invoke, :f :write, :value 3}
    {"process": 0, "type": "ok", "f": "write", "value": 3}

Events are paired per process into `Operation`s (an invocation and its
completion). Jepsen's semantics: `fail` did not take effect (the operation is
dropped); `info`, and an invocation never completed, may or may not have taken
effect at any time after the call (its return is at infinity); a process has
at most one operation open. Events of the `nemesis` process are skipped.

A history is untrusted input: it is read with a size limit, values are
converted to plain Python data (nothing is evaluated), and every problem is a
located `HistoryError` (file:line:column, exit 151).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Hashable

from specpy.diagnostics import Diagnostic, SourceFile, Span
from specpy.trace import strict_json

MAX_BYTES = 256 * 1024 * 1024
MAX_LINE = 1024 * 1024
MAX_DEPTH = 32
EVENT_TYPES = ("invoke", "ok", "fail", "info")
EVENT_FIELDS = ("process", "type", "f", "value", "output", "key")
NEMESIS = "nemesis"


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: A field that the event did not have (distinct from nil / null).
MISSING: Any = _Missing()


class HistoryError(Exception):
    """A history that cannot be read (exit 151); `diagnostic` locates it."""

    def __init__(self, diagnostic: Diagnostic, source: SourceFile | None):
        super().__init__(f"{diagnostic.span}: {diagnostic.message}")
        self.diagnostic = diagnostic
        self.source = source


@dataclass(frozen=True)
class Event:
    """One line of a history, with its values converted to plain Python."""

    line: int
    process: Hashable
    type: str
    f: str
    value: Any
    output: Any = MISSING  # JSON lines' "output" on an ok: the operation's return value
    key: Any = MISSING  # the optional :key field


@dataclass
class Operation:
    """An invocation and its completion; `ret` is None when the outcome is unknown."""

    id: int
    process: Hashable
    f: str
    value: Any  # the invocation's value (the operation's argument)
    call: int  # position of the invocation among the history's events
    line: int
    ret: int | None = None  # position of the ok; None for info or never completed
    ret_line: int | None = None
    status: str = "open"  # ok, info, open (never completed); failed operations are dropped
    result: Any = MISSING  # the ok's value (a read's value)
    output: Any = MISSING
    key: Any = MISSING

    @property
    def unknown(self) -> bool:
        """True when the operation may or may not have taken effect."""
        return self.ret is None


@dataclass
class History:
    path: str
    format: str  # "edn" or "jsonl"
    ops: list[Operation]
    events: int  # client events read (nemesis events are not counted)
    failed: int  # operations that completed with fail and were dropped
    processes: list[Hashable] = field(default_factory=list)
    source: SourceFile | None = None


def read_history(path: str | Path, fmt: str = "auto") -> History:
    """Read and pair a history file; `fmt` is "edn", "jsonl" or "auto" (by extension, then content)."""
    name = str(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise HistoryError(_diag("E-history-read", f"cannot read: {exc.strerror or exc}", name, 1, 1), None) from None
    if len(data) > MAX_BYTES:
        message = f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB"
        raise HistoryError(_diag("E-history-size", message, name, 1, 1), None)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise HistoryError(_diag("E-history-encoding", "not valid UTF-8", name, line, col), None) from None
    return parse_history(text, name, fmt)


def parse_history(text: str, name: str, fmt: str = "auto") -> History:
    source = SourceFile(name, text)
    if fmt == "auto":
        fmt = _sniff(text, name)
    read_line = _edn_reader() if fmt == "edn" else _json_line
    lines = text.split("\n")
    if fmt == "edn":
        lines = _unwrap_vector(lines)
    pairing = _Pairing(source)
    for n, raw in enumerate(lines, start=1):
        line = raw.removesuffix("\r")
        if not line.strip() or (fmt == "edn" and line.lstrip().startswith(";")):
            continue
        if len(line) > MAX_LINE:
            raise pairing.error("E-history-line", f"line longer than {MAX_LINE} characters", n)
        try:
            obj = read_line(line)
        except _LineError as exc:
            raise pairing.error("E-history-syntax", exc.message, n, exc.column) from None
        pairing.add(_event(obj, n, line, pairing))
    return pairing.finish(fmt)


def _sniff(text: str, name: str) -> str:
    lower = name.lower()
    if lower.endswith(".edn"):
        return "edn"
    if lower.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    stripped = text.lstrip("[ \t\r\n")
    return "jsonl" if stripped.startswith('{"') or stripped.startswith("{ \"") else "edn"


def _unwrap_vector(lines: list[str]) -> list[str]:
    """A file that is one EDN vector of maps (Knossos's test data) as one map per line:
    the opening `[` and closing `]` are blanked, keeping every column where it was."""
    first = next((i for i, l in enumerate(lines) if l.strip() and not l.lstrip().startswith(";")), None)
    if first is None or not lines[first].lstrip().startswith("["):
        return lines
    last = max(i for i, l in enumerate(lines) if l.strip())
    if not lines[last].rstrip().endswith("]"):
        return lines
    out = list(lines)
    at = out[first].index("[")
    out[first] = out[first][:at] + " " + out[first][at + 1:]
    end = out[last].rindex("]")
    out[last] = out[last][:end] + " " + out[last][end + 1:]
    return out


class _LineError(Exception):
    def __init__(self, message: str, column: int = 1):
        super().__init__(message)
        self.message = message
        self.column = column


def _json_line(line: str) -> Any:
    """One JSON line, read by trace/strict_json.py as ITF and NDJSON are (no NaN, no key
    twice, ASCII integers of at most 4,000 digits, no lone surrogate, bounded nesting)."""
    try:
        obj = strict_json.loads(line)
    except strict_json.StrictJsonError as exc:
        raise _LineError(exc.message, exc.column or 1) from None
    if isinstance(obj, dict):
        return {k: _plain(v, 1) if k in EVENT_FIELDS else v for k, v in obj.items()}
    return obj


def parse_json_value(text: str) -> Any:
    """A JSON value given on the command line, as the models' plain Python."""
    try:
        value = _plain(strict_json.loads(text), 0)
    except (strict_json.StrictJsonError, _LineError) as exc:
        raise HistoryError(_diag("E-json", f"not a JSON value: {exc}", "<option>", 1, 1), None) from None
    if isinstance(value, _Unsupported) or _contains_unsupported(value):  # found by the fuzzer: --initial '{"x": 1}'
        message = f"{_unsupported_what(value)} is not supported as a value (numbers, strings, booleans, null, arrays)"
        raise HistoryError(_diag("E-json", message, "<option>", 1, 1), None)
    return value


_EDN_PARSER: Callable[[str], Any] | None = None


def _edn_reader() -> Callable[[str], Any]:
    """A reader of one EDN map per line, built once per process.

    edn_format's own `loads` builds a PLY lexer and parser on every call (and
    writes a parsetab.py into its package); we build them once, without
    writing tables, from the same grammar module, and parse line by line so
    that every event keeps its line number.
    """
    global _EDN_PARSER
    if _EDN_PARSER is None:
        import ply.yacc
        from edn_format import edn_lex, edn_parse
        from edn_format.exceptions import EDNDecodeError

        parser = ply.yacc.yacc(module=edn_parse, debug=False, write_tables=False, errorlog=ply.yacc.NullLogger())
        lexer = edn_lex.lex()
        convert = _edn_converter()

        def parse(line: str) -> Any:
            try:
                found = list(parser.parse(line, lexer=lexer) or ())
            except EDNDecodeError as exc:
                raise _LineError(f"not EDN: {_edn_message(exc)}", _edn_column(exc)) from None
            except NotImplementedError as exc:  # an unknown #tag: edn_format's own message
                raise _LineError(f"not EDN: {str(exc).replace('ImmutableDict(', '#').rstrip(')')}") from None
            except Exception as exc:  # untrusted text: whatever the parser raises is a bad line
                raise _LineError(f"not EDN: {type(exc).__name__}: {exc}") from None
            if len(found) != 1:
                raise _LineError(f"expected one map on the line, found {len(found)} values")
            try:
                return convert(found[0])
            except _LoneSurrogate:  # "\ud800" unescaped: no character, cannot be printed (found by the fuzzer)
                at = _SURROGATE_ESCAPE.search(line)
                raise _LineError("a string holds a lone UTF-16 surrogate (not a character)",
                                 at.start() + 1 if at else 1) from None

        _EDN_PARSER = parse
    return _EDN_PARSER


def _edn_message(exc: Exception) -> str:
    arg = exc.args[0] if exc.args else exc
    token = getattr(arg, "value", None)
    if token is not None:
        return f"unexpected {token!r}"
    text = str(arg)
    return "the line ends inside a value" if text == "EOF Reached" else text


def _edn_column(exc: Exception) -> int:
    arg = exc.args[0] if exc.args else None
    pos = getattr(arg, "lexpos", None)
    return pos + 1 if isinstance(pos, int) else 1


def _edn_converter() -> Callable[[Any], Any]:
    """EDN data as plain Python: keywords and symbols become strings, vectors and lists
    tuples, sets frozensets; a map is kept (with plain keys) only at the top of a line."""
    from edn_format import Keyword, Symbol
    from edn_format.immutable_dict import ImmutableDict
    from edn_format.immutable_list import ImmutableList

    names = (Keyword, Symbol)
    scalars = (bool, int, float, str)
    sequences = (ImmutableList, list, tuple)
    sets = (set, frozenset)

    def plain(value: Any, depth: int) -> Any:
        if isinstance(value, str):
            _printable(value)
            return value
        if value is None or isinstance(value, scalars):
            return value
        if isinstance(value, names):
            return value.name
        if depth > MAX_DEPTH:
            raise _LineError(f"values nested more than {MAX_DEPTH} deep")
        if isinstance(value, sequences):
            return tuple(plain(v, depth + 1) for v in value)
        if isinstance(value, sets):
            return frozenset(plain(v, depth + 1) for v in value)
        if isinstance(value, (ImmutableDict, dict)):
            return _Unsupported("a map")
        return _Unsupported(type(value).__name__)

    def event(found: Any) -> Any:
        """The top-level map: only the fields an event uses are converted."""
        if not isinstance(found, (ImmutableDict, dict)):
            return plain(found, 0)
        fields = {k.name if isinstance(k, names) else k: v for k, v in found.items()}
        return {k: plain(v, 1) if k in EVENT_FIELDS else v for k, v in fields.items()}

    return event


class _LoneSurrogate(Exception):
    pass


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _printable(s: str) -> None:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        raise _LoneSurrogate from None


def _plain(value: Any, depth: int) -> Any:
    """A JSON value as plain hashable Python (arrays become tuples)."""
    if depth > MAX_DEPTH:
        raise _LineError(f"values nested more than {MAX_DEPTH} deep")
    if isinstance(value, list):
        return tuple(_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return _Unsupported("an object")
    return value


@dataclass(frozen=True)
class _Unsupported:
    """A value the models cannot use (a nested map, an #inst); an error only if a model reads it."""

    what: str


def _event(obj: Any, n: int, line: str, pairing: _Pairing) -> Event | None:
    def fail(message: str, key: str | None = None) -> HistoryError:
        return pairing.error("E-history-event", message, n, *_key_position(line, key))

    if not isinstance(obj, dict):
        raise fail("expected a map (one event per line)")
    process = obj.get("process", MISSING)
    if process is MISSING:
        raise fail("the event has no process")
    if process == NEMESIS:
        return None
    if isinstance(process, bool) or not isinstance(process, (int, str)):
        raise fail("the process must be an integer (or a name)", "process")
    kind = obj.get("type", MISSING)
    if kind not in EVENT_TYPES:
        shown = "none" if kind is MISSING else repr(kind)
        raise fail(f"the type must be one of invoke, ok, fail, info (found {shown})", "type")
    f = obj.get("f", MISSING)
    if not isinstance(f, str):
        raise fail("the operation name f must be a keyword or string", "f")
    value = obj.get("value")
    output = obj.get("output", MISSING)
    key = obj.get("key", MISSING)
    for name, v in (("value", value), ("output", output), ("key", key)):
        if isinstance(v, _Unsupported) or _contains_unsupported(v):
            raise fail(f"{name}: {_unsupported_what(v)} is not supported as an operation value", name)
    return Event(n, process, kind, f, value, output, key)


def _contains_unsupported(value: Any) -> bool:
    if isinstance(value, (tuple, frozenset)):
        return any(isinstance(v, _Unsupported) or _contains_unsupported(v) for v in value)
    return False


def _unsupported_what(value: Any) -> str:
    if isinstance(value, _Unsupported):
        return value.what
    return next(_unsupported_what(v) for v in value if isinstance(v, _Unsupported) or _contains_unsupported(v))


def _key_position(line: str, key: str | None) -> tuple[int, int]:
    """The column and width of a key's entry on the line (for the caret)."""
    if key is None:
        return 1, max(len(line), 1)
    for spelling in (f":{key}", f'"{key}"'):
        at = line.find(spelling)
        if at >= 0:
            return at + 1, len(spelling)
    return 1, max(len(line), 1)


def _diag(code: str, message: str, name: str, line: int, column: int, width: int = 1) -> Diagnostic:
    return Diagnostic(code, message, Span(name, line, column, line, column + width))


class _Pairing:
    """Pairs invocations with completions, process by process."""

    def __init__(self, source: SourceFile):
        self.source = source
        self.ops: list[Operation] = []
        self.open: dict[Hashable, Operation] = {}
        self.processes: dict[Hashable, None] = {}
        self.events = 0
        self.failed = 0

    def error(self, code: str, message: str, line: int, column: int = 1, width: int = 0) -> HistoryError:
        text = self.source.line(line)
        width = width or max(len(text) - column + 1, 1)
        return HistoryError(_diag(code, message, self.source.path, line, column, width), self.source)

    def add(self, event: Event | None) -> None:
        if event is None:
            return
        position = self.events
        self.events += 1
        self.processes.setdefault(event.process)
        pending = self.open.get(event.process)
        if event.type == "invoke":
            if pending is not None:
                message = (f"process {event.process} invokes {event.f} while its {pending.f} "
                           f"from line {pending.line} is still open (one operation per process)")
                raise self.error("E-history-pairing", message, event.line)
            op = Operation(len(self.ops), event.process, event.f, event.value, position, event.line, key=event.key)
            self.ops.append(op)
            self.open[event.process] = op
            return
        if pending is None:
            message = f"{event.type} for process {event.process}, which has no open invocation"
            raise self.error("E-history-pairing", message, event.line)
        if event.f != pending.f:
            message = f"{event.type} of {event.f} completes process {event.process}'s {pending.f} from line {pending.line}"
            raise self.error("E-history-pairing", message, event.line)
        del self.open[event.process]
        pending.ret_line = event.line
        if event.type == "ok":
            pending.status, pending.ret, pending.result, pending.output = "ok", position, event.value, event.output
        elif event.type == "info":
            pending.status = "info"
        else:
            pending.status = "fail"
            self.failed += 1

    def finish(self, fmt: str) -> History:
        ops = [op for op in self.ops if op.status != "fail"]
        for i, op in enumerate(ops):
            op.id = i
        return History(self.source.path, fmt, ops, self.events, self.failed, list(self.processes), self.source)
