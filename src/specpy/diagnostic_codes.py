"""Every diagnostic code specpy reports: the code, one line on what it means,
and the stage that reports it.

A `Diagnostic`'s code is stable: scripts, editors and the `--json` output
match on it. docs/errors.md is generated from this table
(`python -m specpy.diagnostic_codes`), so each code's documentation anchor
is `docs/errors.md#<code in lower case>`. tests/test_diagnostic_codes.py
fails when the source reports a code that is not here, when a code here is
never reported, or when docs/errors.md is stale.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Code:
    code: str
    stage: str
    meaning: str

    @property
    def anchor(self) -> str:
        return "docs/errors.md#" + self.code.lower()


#: stage -> what that stage is, in the order docs/errors.md lists them.
STAGES = {
    "input": "Reading input files",
    "syntax": "Syntax (the parser)",
    "declarations": "Declarations, types and constants",
    "statements": "Statements (actions, `init`)",
    "expressions": "Expressions",
    "backends": "What a backend cannot do (the spec is valid)",
    "logs": "Implementation logs (`specpy validate`)",
    "histories": "Operation histories (`specpy linearizable`)",
    "tlc": "TLC's parser on an exported module (`specpy tlc`)",
    "explore": "The explorer's question box (`specpy explore`)",
}

_TABLE = (
    ("input", "E-encoding", "the spec file is not valid UTF-8"),
    ("syntax", "E-syntax-unexpected-char", "a character that cannot start any token"),
    ("syntax", "E-syntax-unexpected-token", "a token the grammar does not allow here (the message lists what would be)"),
    ("syntax", "E-syntax-eof", "the file ends inside a declaration, block or expression"),
    ("syntax", "E-syntax-reserved-word", "a reserved word used as a name"),
    ("syntax", "E-syntax-too-deep", "expressions or blocks nested deeper than the parser supports: more than 100 "
     "open brackets, an expression tree deeper than 150 levels (a chain of `and` or of `or` counting as one), "
     "or deeper than 5,000 levels counting each term of such a chain"),
    ("syntax", "E-syntax-int-too-long", "an integer literal with too many digits"),
    ("syntax", "E-syntax-generator", "a generator argument `f(e for x in S)` to a function other than `sum`"),
    ("syntax", "E-syntax-map-comprehension", "a map comprehension whose key is not its bound variable"),
    ("syntax", "E-syntax-fold", "an accumulator argument `f(acc = init, x in S: body)` to a function other than `fold`"),
    ("syntax", "E-syntax-no-strings", "a string literal (the language has none: use atoms or enums)"),
    ("declarations", "E-duplicate-decl", "a name declared twice (or `processes` given twice)"),
    ("declarations", "E-duplicate-member", "an atom or enum member listed twice in one type"),
    ("declarations", "E-unknown-type", "a type name that is not declared (with a suggestion)"),
    ("declarations", "E-not-a-type", "a name used as a type that is a constant, variable or action"),
    ("declarations", "E-anonymous-type", "an atom, enum, record or variant type written inline instead of declared"),
    ("declarations", "E-nested-option", "an optional of an optional, `T??`"),
    ("declarations", "E-recursive-type", "a type that contains itself (every type must be finite)"),
    ("declarations", "E-empty-range", "a range type `a..b` with b < a"),
    ("declarations", "E-unbounded-type", "a state variable of an unbounded type such as `int`"),
    ("declarations", "E-universe-too-large", "a type or a constant range that has too many values to enumerate"),
    ("declarations", "E-symmetric-not-atoms", "`symmetric` on a type that is not a type of atoms"),
    ("declarations", "E-processes-type", "`processes` naming a type that is not a type of atoms"),
    ("declarations", "E-not-constant", "a constant expression that uses a variable, action or local"),
    ("declarations", "E-recursive-const", "a constant defined in terms of itself"),
    ("declarations", "E-const-type", "a constant of the wrong kind where an integer is needed"),
    ("declarations", "E-const-div-zero", "division by zero in a constant expression"),
    ("declarations", "E-uninitialised", "a state variable that some path of `init` leaves without a value"),
    ("declarations", "E-read-before-init", "a part of a variable assigned before the whole variable has a value"),
    ("declarations", "E-not-temporal", "a `property` without a temporal operator (a state predicate is an `invariant`)"),
    ("declarations", "E-unsupported-temporal", "a temporal formula outside the supported forms"),
    ("declarations", "E-not-a-network", "`lose`/`duplicate` naming a variable that is not a set or bag"),
    ("declarations", "E-duplicate-needs-bag", "`duplicate` on a set (a set cannot hold a second copy)"),
    ("declarations", "E-crash-type", "`crash` naming a type that is not a type of atoms"),
    ("declarations", "E-negative-bound", "a negative fault `budget`"),
    ("statements", "E-assign-to-undeclared", "an assignment to a name that is not declared"),
    ("statements", "E-assign-to-non-variable", "an assignment to a constant, action or other non-variable"),
    ("statements", "E-assign-to-local", "an assignment to a parameter, `let` or bound name"),
    ("statements", "E-bad-assign-target", "an assignment to something that is not a variable or a part of one"),
    ("statements", "E-not-indexable", "`x[k] = ...` where x is not a map or sequence"),
    ("statements", "E-not-a-procedure", "a statement call of something that is not a procedure"),
    ("statements", "E-recursive-proc", "a procedure that calls itself (procedures are inlined)"),
    ("statements", "E-overwritten", "a variable assigned twice before anything reads the first value"),
    ("statements", "E-type-mismatch", "a value of the wrong type for its context (assignment, operator, argument)"),
    ("expressions", "E-unknown-name", "a name that is not declared (with a suggestion)"),
    ("expressions", "E-unknown-field", "a field that the record (or no case of the variant) has"),
    ("expressions", "E-unknown-member", "`Enum.m` where the enum has no member m"),
    ("expressions", "E-unknown-case", "`x is C` where the variant has no case C"),
    ("expressions", "E-ambiguous-member", "an enum member shared by several enums, not qualified"),
    ("expressions", "E-ambiguous-field", "a field with different types in the cases of a variant"),
    ("expressions", "E-no-fields", "`.f` on a value that is not a record or variant"),
    ("expressions", "E-not-variant", "`is` on a value that is not a variant, or `match` on one that is not a variant, enum or atom"),
    ("expressions", "E-not-constructible", "`Name{...}` where Name is not a record or variant case"),
    ("expressions", "E-missing-field", "a construction that leaves out fields"),
    ("expressions", "E-missing-fields", "a variant case with fields used without them"),
    ("expressions", "E-duplicate-field", "a field given twice in a construction"),
    ("expressions", "E-duplicate-local", "a name bound twice in one binding"),
    ("expressions", "E-shadowing", "a local name that hides a global one"),
    ("expressions", "E-not-a-value", "an action name used as a value"),
    ("expressions", "E-not-callable", "a call of something that is not a `def` or built-in function"),
    ("expressions", "E-arity", "a call with the wrong number of arguments"),
    ("expressions", "E-recursive-def", "a `def` that calls itself"),
    ("expressions", "E-not-boolean", "a condition that is not a boolean"),
    ("expressions", "E-not-integer", "an arithmetic operand that is not an integer"),
    ("expressions", "E-not-a-collection", "a quantifier, comprehension or `for` over something that is not a collection"),
    ("expressions", "E-incomparable", "a comparison of values of different types"),
    ("expressions", "E-none-needs-option", "`none` where no optional type `T?` is expected"),
    ("expressions", "E-empty-map", "`{}` where a map is expected (maps are total)"),
    ("expressions", "E-map-domain", "a map comprehension over something other than a whole type"),
    ("expressions", "E-state-in-constant", "an expression that must not depend on the state (a constant, a bound) reading a state variable"),
    ("expressions", "E-prime-outside-transition", "`x'` outside a `transition` invariant"),
    ("expressions", "E-prime-not-variable", "a primed name that is not a state variable"),
    ("expressions", "E-type-as-value", "a type (`T[...]`) used where a value is expected"),
    ("expressions", "E-tuple-index", "a tuple component chosen by something other than a constant in range"),
    ("expressions", "E-pattern-mismatch", "a tuple pattern whose size or shape does not fit the value"),
    ("expressions", "E-choose-empty", "`choose` from a collection that is always empty"),
    ("expressions", "E-fold-needs-type", "a `fold` accumulator whose type cannot be told from its initial value"),
    ("expressions", "E-match-not-exhaustive", "a `match` that does not cover every case of the variant"),
    ("expressions", "E-match-duplicate", "a `match` arm for a case already matched"),
    ("expressions", "E-match-unreachable", "`match` arms after `_`, which never run"),
    ("expressions", "E-impossible-case", "a `match` arm for a case an `is` test has already ruled out"),
    ("backends", "E-unsupported", "a valid spec that this backend cannot check (exit 150; ir/backend.py)"),
    ("backends", "E-crash-initial", "a `crash` whose restored values differ between initial states"),
    ("logs", "E-log-encoding", "the log is not valid UTF-8"),
    ("logs", "E-log-empty", "the log has no lines"),
    ("logs", "E-log-line", "a log line that is not a JSON object of the variables' values"),
    ("histories", "E-history-read", "the history file cannot be read"),
    ("histories", "E-history-size", "the history file is larger than the limit"),
    ("histories", "E-history-encoding", "the history is not valid UTF-8"),
    ("histories", "E-history-line", "a history line longer than the limit"),
    ("histories", "E-history-syntax", "a history line that is not valid EDN or JSON"),
    ("histories", "E-history-event", "an event without the fields an operation needs (process, type, f, value)"),
    ("histories", "E-history-pairing", "an invocation and completion that do not pair up"),
    ("histories", "E-history-op", "an operation the chosen model does not know, or with a value of the wrong form"),
    ("histories", "E-json", "an option value (`--initial`) that is not JSON"),
    ("histories", "E-no-operations", "a spec given as a `specpy linearizable` model declares no `operation`"),
    ("tlc", "E-tla-parse", "SANY, TLC's parser, rejected a module (located in the .tla file)"),
    ("explore", "E-question", "the question box: empty, too long, not one expression, or its evaluation failed in this state"),
)

CODES: dict[str, Code] = {code: Code(code, stage, meaning) for stage, code, meaning in _TABLE}


def errors_md() -> str:
    """docs/errors.md: every code by stage."""
    out = [
        "# Diagnostic codes",
        "",
        "Every error specpy reports has a stable code (the `code` of each error in",
        "`--json` output). This page is generated from",
        "`src/specpy/diagnostic_codes.py` by `python -m specpy.diagnostic_codes`;",
        "do not edit it by hand. docs/language.md explains the checks in context.",
        "",
    ]
    for stage, title in STAGES.items():
        out += [f"## {title}", ""]
        for c in CODES.values():
            if c.stage == stage:
                out += [f"### {c.code}", "", c.meaning[0].upper() + c.meaning[1:] + ".", ""]
    return "\n".join(out)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "docs" / "errors.md"
    path.write_text(errors_md(), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
