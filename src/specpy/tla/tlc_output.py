"""TLC's output (run with `-tool`), parsed into specpy's CheckResult.

With `-tool`, TLC wraps each message in `@!@!@STARTMSG code:severity @!@!@`
... `@!@!@ENDMSG code @!@!@`, so messages are recognised by their code, not
by their wording. SANY's parse and semantic errors are printed outside any
message; they are read from the raw text and returned with their location
in the .tla file.

Codes used (tlc2.output.EC / MP in tla2tools): 2262 version, 2193 success,
2107/2110 invariant violated (by an initial state / a behaviour), 2111
invariant evaluation failed, 2112 action property violated, 2114 deadlock,
2116 temporal property violated, 2132 Assert failed, 2217 a trace state,
2122 "Back to state" (the loop of a lasso), 2218 stuttering, 2199 final
counts, 2194 depth, 2200 progress, 3002 the spec did not parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from specpy.ir.types import Type
from specpy.ir.values import BagValue
from specpy.result import CheckResult, ResultKind, Stats, Violation
from specpy.tla.tlc_values import convert, parse_value
from specpy.trace.trace import Step, Trace

VERSION, SUCCESS, PROGRESS, FINAL_COUNTS, DEPTH = 2262, 2193, 2200, 2199, 2194
INVARIANT_INITIAL, INVARIANT, ACTION_PROPERTY, DEADLOCK, TEMPORAL, ASSERT = 2107, 2110, 2112, 2114, 2116, 2132
STATE, BACK_TO_STATE, STUTTERING, PARSE_FAILED = 2217, 2122, 2218, 3002
#: Informational codes that precede or accompany an error and are not the error.
NOT_ERRORS = {2121, 2103, 2124, 2186, 2199, 2194, 2200, 2201}

_MARKER = re.compile(r"@!@!@(?:STARTMSG (\d+):(\d+)|ENDMSG \d+) @!@!@")
_COUNTS = re.compile(r"([\d,]+) states generated, ([\d,]+) distinct states found")
_DEPTH = re.compile(r"depth of the complete state graph search is ([\d,]+)")
#: The head of a trace message: "N: <Action ...>" (state N), "N: Stuttering"
#: (the behaviour stays at the last state), "N: Back to state: <Action ...>"
#: (TLC 2.20: the last state steps by Action back to state N) or, in older
#: TLCs, "N: Back to state M" (back to state M).
_STATE_HEAD = re.compile(r"(\d+): (?:<(.*?)>|(Stuttering)|Back to state:? ?(?:(\d+)|<(.*?)>)?.*?)\s*$")
_ACTION = re.compile(r"(\w+)(?:\((.*)\))? line (\d+), col")


@dataclass(frozen=True)
class Message:
    code: int
    severity: int
    text: str


@dataclass
class SanyError:
    """A SANY parse or semantic error: location in the .tla file and message."""

    line: int
    column: int
    message: str
    end_line: int = 0
    end_column: int = 0


@dataclass
class TlcOutput:
    """What one TLC run printed, in pieces."""

    messages: list[Message] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)  # lines outside any message (SANY's output)

    def codes(self, code: int) -> list[Message]:
        return [m for m in self.messages if m.code == code]

    @property
    def version(self) -> str | None:
        found = self.codes(VERSION)
        return found[0].text.strip() if found else None


def split_messages(lines: Iterable[str], on_message: Callable[[Message], None] | None = None) -> TlcOutput:
    """Group `-tool` output lines into messages (calling on_message as each completes).

    Messages nest: TLC's "unexpected exception" (1000) carries the message
    that explains it (5006, an error in the .cfg) inside, starting mid-line.
    Each becomes a Message of its own, in the order they end, and no marker
    is left in a message's text or in the raw lines.
    """
    out = TlcOutput()
    reading: list[tuple[int, int, list[str]]] = []  # the messages open, innermost last

    def add(piece: str) -> None:
        (reading[-1][2] if reading else out.raw).append(piece)

    for line in lines:
        line = line.rstrip("\n")
        markers = list(_MARKER.finditer(line))
        if not markers:
            add(line)
            continue
        pos = 0
        for m in markers:
            if line[pos : m.start()].strip():
                add(line[pos : m.start()])
            pos = m.end()
            if m.group(1) is not None:
                reading.append((int(m.group(1)), int(m.group(2)), []))
            elif reading:
                code, severity, body = reading.pop()
                msg = Message(code, severity, "\n".join(body))
                out.messages.append(msg)
                if on_message is not None:
                    on_message(msg)
        if line[pos:].strip():
            add(line[pos:])
    return out


#: TLC's complaints about the .cfg (TLC 2.20): 2229 "The invariant X specified in
#: the configuration file is not defined in the specification", 5006 "TLC found an
#: error in the configuration file at line L", and the level errors of what the
#: .cfg names (2146 "The invariant Next is not a state predicate").
_CONFIG_ERROR = re.compile(
    r"configuration file|^The (?:invariant|property|action property|constraint|action constraint) \w+ is not", re.M
)
_CONFIG_LINE = re.compile(r"in the configuration file at line (\d+)")


@dataclass(frozen=True)
class ConfigError:
    """An error in the .cfg, in one paragraph (and its line, when TLC gives one)."""

    message: str
    line: int | None = None


def config_error(out: TlcOutput) -> ConfigError | None:
    """What TLC said is wrong with the .cfg, or None (call it for a run without a verdict)."""
    for m in out.messages:
        if m.code in NOT_ERRORS or not _CONFIG_ERROR.search(m.text):
            continue
        lines = []
        for line in m.text.strip().splitlines():
            if line.startswith("Note that a bug can cause TLC"):  # TLC's boilerplate after a level error
                break
            lines.append(line.strip())
        at = _CONFIG_LINE.search(m.text)
        return ConfigError(_paragraph([x for x in lines if x]), int(at.group(1)) if at else None)
    return None


def _paragraph(lines: list[str]) -> str:
    """TLC's lines as one paragraph: a line that ends a sentence without a period gets one."""
    out = []
    for line, after in zip(lines, lines[1:] + [""]):
        ends = line.endswith((".", ":", ";", ",")) or not after[:1].isupper()
        out.append(line if ends else line + ".")
    return " ".join(out)


def sany_errors(raw: list[str]) -> list[SanyError]:
    """SANY's parse errors ("at line L, column C") and semantic errors ("line L, col C to ...")."""
    text = "\n".join(raw)
    errors: list[SanyError] = []
    for m in re.finditer(r"\*\*\*Parse Error\*\*\*\n(.*?)(?:\n\s*\n|Residual stack trace)", text, re.S):
        block = m.group(1)
        at = re.search(r"at line (\d+), column (\d+)", block)
        message = " ".join(x.strip() for x in block.splitlines() if x.strip())
        if at:
            errors.append(SanyError(int(at.group(1)), int(at.group(2)), "parse error: " + message))
    for m in re.finditer(r"line (\d+), col (\d+) to line (\d+), col (\d+) of module \w+\n\s*\n(.*?)(?:\n\s*\n|\Z)", text, re.S):
        message = " ".join(x.strip() for x in m.group(5).splitlines() if x.strip())
        errors.append(SanyError(int(m.group(1)), int(m.group(2)), message, int(m.group(3)), int(m.group(4)) + 1))
    return errors


@dataclass
class ModelInfo:
    """What turns TLC's names and values back into the spec's (from the exported model)."""

    var_names: tuple[str, ...] = ()  # in the spec's order; empty: as TLC prints them
    var_types: dict[str, Type] = field(default_factory=dict)
    params: dict[str, tuple[tuple[str, Type], ...]] = field(default_factory=dict)  # action -> parameters
    spec_name: dict[str, str] = field(default_factory=dict)  # TLA+ identifier -> spec name
    tag: str = "tag"
    properties: tuple[str, ...] = ()  # temporal properties, spec names
    faults: dict[str, tuple[str, str, Type]] = field(default_factory=dict)  # TLA+ op -> (label, param, type)
    # Lines of Next holding `\E msg \in BagToSet(net) : Lose_net(msg)`: TLC cannot
    # split an \E over a state-dependent set into actions, so it names such a step
    # `Next line L`; the step is (label, param, net), its message read off the net.
    fault_lines: dict[int, tuple[str, str, str]] = field(default_factory=dict)

    def name(self, ident: str) -> str:
        return self.spec_name.get(ident, ident)


def to_result(out: TlcOutput, info: ModelInfo | None = None, seconds: float = 0.0) -> CheckResult:
    """The CheckResult of a TLC run (verdict, counts, and the trace as specpy's Trace)."""
    info = info or ModelInfo()
    stats = Stats(seconds=seconds)
    for m in out.codes(FINAL_COUNTS):
        c = _COUNTS.search(m.text)
        if c:
            stats.states_generated = int(c.group(1).replace(",", ""))
            stats.distinct_states = int(c.group(2).replace(",", ""))
    for m in out.codes(DEPTH):
        d = _DEPTH.search(m.text)
        if d:
            stats.depth = int(d.group(1).replace(",", ""))
    if out.codes(PARSE_FAILED):
        return CheckResult(ResultKind.SPEC_ERROR, stats, backend="tlc")  # the errors: sany_errors(out.raw)
    kind, name, detail = _verdict(out, info)
    if kind is ResultKind.OK:
        return CheckResult(ResultKind.OK, stats, backend="tlc")
    trace = _trace(out, info)
    return CheckResult(kind, stats, Violation(kind, name, trace, detail), backend="tlc")


def _verdict(out: TlcOutput, info: ModelInfo) -> tuple[ResultKind, str, str]:
    for m in out.messages:
        if m.code in (INVARIANT_INITIAL, INVARIANT, ACTION_PROPERTY):
            found = re.search(r"(?:Invariant|Action property) (\w+) is violated", m.text)
            return ResultKind.INVARIANT, info.name(found.group(1)) if found else "?", ""
        if m.code == DEADLOCK:
            return ResultKind.DEADLOCK, "deadlock", "no action is enabled"
        if m.code == TEMPORAL:
            return ResultKind.LIVENESS, _temporal_name(m.text, info), m.text.strip()
        if m.code == ASSERT:
            return ResultKind.ASSERT, "assert", m.text.strip()
    if out.codes(SUCCESS):
        return ResultKind.OK, "", ""
    for m in out.messages:
        if m.severity == 1 and m.code not in NOT_ERRORS:
            return ResultKind.EVAL_ERROR, "eval-error", m.text.strip()
    return ResultKind.LIMIT, "", "TLC stopped without a verdict"


def _temporal_name(text: str, info: ModelInfo) -> str:
    """The violated property: TLC says only "Temporal properties were violated",
    so it is known when the model has one property; otherwise "" (unknown)."""
    found = re.search(r"[Pp]roperty (\w+) ", text)
    if found:
        return info.name(found.group(1))
    return info.properties[0] if len(info.properties) == 1 else ""


def _trace(out: TlcOutput, info: ModelInfo) -> Trace:
    states: list[dict] = []
    steps: list[Step] = []
    loop = None
    names: tuple[str, ...] = info.var_names
    for m in out.messages:
        head, _, body = m.text.strip("\n").partition("\n")
        if m.code == INVARIANT_INITIAL:  # the one-state trace is inside the message
            return Trace(names or tuple(_state(body, info)), (_state(body, info),), ())
        if m.code not in (STATE, BACK_TO_STATE, STUTTERING):
            continue
        h = _STATE_HEAD.match(head.strip())
        if h is None:
            continue
        if m.code == BACK_TO_STATE:  # the lasso's loop: back to state k (1-based)
            loop = int(h.group(4) or h.group(1)) - 1
            continue
        if h.group(3) is not None:  # stuttering forever at the last state
            loop = len(states) - 1
            continue
        state = _state(body, info)
        if not names:
            names = tuple(state)
        label = h.group(2)
        if states:
            steps.append(_step(label, info, states[-1], state))
        states.append(state)
    return Trace(names, tuple(states), tuple(steps), loop)


def _state(body: str, info: ModelInfo) -> dict:
    """`/\\ x = v` lines (or one `x = v` line) as {spec variable: generic value}."""
    chunks = re.split(r"^/\\ ", body.strip(), flags=re.M) if body.lstrip().startswith("/\\") else [body.strip()]
    state: dict = {}
    for chunk in chunks:
        if not chunk.strip():
            continue
        ident, _, value = chunk.partition(" = ")
        var = info.name(ident.strip())
        tree = parse_value(value)
        state[var] = convert(tree, info.var_types.get(var), info.name, info.tag)
    return state


def _step(label: str, info: ModelInfo, before: dict, after: dict) -> Step:
    a = _ACTION.match(label)
    if a is None:
        return Step(label)
    if int(a.group(3)) in info.fault_lines:
        name, param, net = info.fault_lines[int(a.group(3))]
        return Step(name, ((param, _changed_element(before.get(net), after.get(net))),), fault=True)
    if a.group(1) in info.faults and a.group(2):
        label, param, t = info.faults[a.group(1)]
        return Step(label, ((param, convert(parse_value(a.group(2)), t, info.name, info.tag)),), fault=True)
    action = info.name(a.group(1))
    if not a.group(2):
        return Step(action)
    args = parse_value("<<" + a.group(2) + ">>").elems
    params = info.params.get(action) or tuple((str(i + 1), None) for i in range(len(args)))
    return Step(action, tuple((n, convert(x, t, info.name, info.tag)) for (n, t), x in zip(params, args)))


def _changed_element(before, after):
    """The element whose copies differ between two values of a set or bag (a lost or duplicated message)."""
    if isinstance(before, frozenset) and isinstance(after, frozenset):
        return next(iter(before ^ after), None)
    counts = [dict(x.items) if isinstance(x, BagValue) else {} for x in (before, after)]
    return next((e for e in counts[0].keys() | counts[1].keys() if counts[0].get(e) != counts[1].get(e)), None)
