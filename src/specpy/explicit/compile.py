"""A Model -> the Python functions the search calls, compiled once.

    init(out)            appends every initial state
    action k (s, out)    appends every successor of s by action k, all
                         parameter tuples and forks (the search needs no
                         per-tuple bookkeeping: traces recover the arguments
                         by re-running single tuples, see `replay`); the
                         fault steps of a `faults` block follow the actions
                         (faults.py)
    expand(chunk, out, ends)
                         every action of every state of a chunk in turn, in
                         one function (the search's hot loop, see `expand`)
    invariants(s)        index of the first failing invariant, or -1
    constraint(s)        all constraints hold
    terminal(s)          some terminal expression holds
    transitions(s, t)    index of the first failing transition invariant, or -1
    measures             one function per `measure`: its value in a state

Each action is compiled per parameter tuple with the parameters folded to
constants, unless it has more than FOLD_MAX tuples: then one loop over the
encoded tuples shares the code. Functions are generated as source text with
generated names only (see compile_expr.py) and compiled with compile()/exec.

Reading the generated code: each function is registered with `linecache`
under the file name `<specpy MODEL NAME>`, so tracebacks and profilers show
its source; with `SPECPY_DUMP_CODE=DIR` (`specpy --dump-code DIR ...`) each is
also written to DIR/MODEL/NAME.py, headed by the spec location it was
compiled from (in a comment; the file is never executed).
"""

from __future__ import annotations

import itertools
import linecache
import os
import re
import textwrap
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from functools import cached_property, partial
from typing import Any

import numpy as np
from specpy.diagnostics import NO_SPAN, Span
from specpy.explicit.compile_expr import Code, ExprCompiler, Namespace, Scope, Sites
from specpy.explicit.compile_stmt import StmtCompiler, leading_guard
from specpy.explicit.faults import FaultStep, fault_steps
from specpy.explicit.runtime import AssertFailure, EvalFailure
from specpy.explicit.store import fingerprints
from specpy.explicit.state import Codec, MapCodec, RecordCodec, StateCodec, Unrepresentable, codec
from specpy.ir.backend import unsupported
from specpy.ir.expr import Expr, Local
from specpy.ir.model import Action, Model
from specpy.ir.ranges import analyze
from specpy.ir.types import universe
from specpy.ir.values import Value
from specpy.nodeclass import nodeclass

#: Actions with more parameter tuples than this share one loop instead of
#: being unrolled per tuple.
FOLD_MAX = 256

StateFn = Callable[[tuple], Any]
#: Fixed-size state tuples up to this size are unpacked into locals where
#: generated code reads them at constant positions (ExprCompiler.at).
UNPACK_MAX = 32


#: Set to a directory: write every generated function there (module docstring).
DUMP_ENV = "SPECPY_DUMP_CODE"


def _fixed_size(c: Codec) -> int:
    """The number of positions of a map's or record's tuple, else 0."""
    if isinstance(c, MapCodec):
        return len(c.keys)
    if isinstance(c, RecordCodec):
        return len(c.fields)
    return 0


@nodeclass(frozen=False)
class CompiledAction:
    action: Action
    args: list[tuple[Value, ...]]  # generic parameter tuples, canonical order
    encoded: list[tuple]  # the same, encoded
    run: Callable[[tuple, list], None]

    @property
    def name(self) -> str:
        return self.action.name

    @property
    def folded(self) -> bool:
        """Its parameter tuples share one loop (more than FOLD_MAX of them)."""
        return len(self.encoded) > FOLD_MAX

    def label_args(self, p: int) -> tuple[tuple[str, Value], ...]:
        return tuple((local.name, v) for local, v in zip(self.action.params, self.args[p]))


@contextmanager
def located(span: Span) -> Iterator[None]:
    """Report a type without an encoding as E-unsupported at span."""
    try:
        yield
    except Unrepresentable as exc:
        raise unsupported(str(exc), span) from None


def _first_span(nodes: tuple) -> Span:
    return getattr(nodes[0], "span", NO_SPAN) if nodes else NO_SPAN


class CompiledModel:
    def __init__(self, model: Model):
        self.model = model
        self.ns = Namespace()
        self.sites = Sites()
        #: What the range analysis proves (ir/ranges.py), for this compiler and the native core's.
        self.ranges = analyze(model)
        self.ex = ExprCompiler(self.ns, self.sites, self.ranges)
        for v in model.vars:
            with located(v.span):
                codec(v.type)
        self.states = StateCodec(model.var_names, tuple(v.type for v in model.vars))
        self.var_types = {v.name: v.type for v in model.vars}
        # "s<i>"/"n<i>": prefixes that Namespace.fresh never hands out.
        self._unpack_names = [f"s{i}" for i in range(len(model.vars))]
        # State variables kept as tuples of fixed size (maps, records): index -> size.
        self._fixed_size = {i: n for i, v in enumerate(model.vars) if 0 < (n := _fixed_size(codec(v.type))) <= UNPACK_MAX}
        self.sources: list[str] = []  # every generated function, for tests and debugging
        self._dump = dump_dir(model.name)
        self._single: dict[tuple[int, int], Callable] = {}
        self._labelled: dict[int, Callable] = {}

        init_span = getattr(model.init[0], "span", NO_SPAN) if model.init else NO_SPAN
        with located(init_span):
            self.init = self._function_or_die(self._init_source(), init_span)
        self.actions: list[CompiledAction | FaultStep] = []
        for a in model.actions:
            with located(a.span):
                self.actions.append(self._action(a))
        self.actions += fault_steps(model, self._initial_states())
        with located(_first_span(model.invariants)):
            self.invariants = self._checks([i.expr for i in model.invariants], primed=False)
        with located(_first_span(model.transitions)):
            self.transitions = self._checks([t.expr for t in model.transitions], primed=True)
        with located(_first_span(model.constraints)):
            self.constraint = self._predicate(model.constraints, "and")
        with located(_first_span(model.terminals)):
            self.terminal = self._predicate(model.terminals, "or")
        self.measures: list[StateFn] = []
        for m in model.measures:
            with located(m.span):
                self.measures.append(self.state_function(m.expr, {}))

    # ------------------------------------------------------------ plumbing

    def _state_scope(self, p: str = "0") -> Scope:
        return Scope({v.name: Code(n) for v, n in zip(self.model.vars, self._unpack_names)}, p=p)

    def _unpack(self, target: str = "s", names: list[str] | None = None) -> str:
        names = names or self._unpack_names
        return "".join(f"{n}, " for n in names) + f"= {target}" if names else "pass"

    def _function(self, source: str, origin: Span = NO_SPAN) -> Callable:
        """Compile one generated function; `origin`: the spec text it comes from (for --dump-code)."""
        name = source.split("(", 1)[0].removeprefix("def ")
        filename = f"<specpy {_safe(self.model.name)} {name}>"
        code = compile(source, filename, "exec")
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        exec(code, self.ns.globals)  # generated text only
        self.sources.append(source)
        if self._dump is not None:
            (self._dump / f"{name}.py").write_text(self._origin_comment(origin) + source, encoding="utf-8")
        return self.ns.globals[name]

    def _origin_comment(self, origin: Span) -> str:
        """`# file:line:col` and that spec line, each repr()-quoted: spec text stays inside the comment."""
        if origin is NO_SPAN:
            return "# specpy generated code, compiled from every action of the spec\n"
        line = self.model.source.line(origin.line).strip() if self.model.source else ""
        return f"# specpy generated code, compiled from {str(origin)!r}\n# {line!r}\n"


    def _function_or_die(self, source: str, span: Span) -> Callable:
        try:
            return self._function(source, span)
        except (SyntaxError, RecursionError, MemoryError):
            raise unsupported("this is nested too deeply for the explicit checker's code generator", span) from None

    @contextmanager
    def _positions_as_locals(self) -> Iterator[list[str]]:
        """While a function body is generated, its constant-position reads of
        fixed-size state tuples come from locals (ExprCompiler.at); afterwards
        the yielded list holds the lines (indent 1) that unpack the tuples it
        read, to put at the top of the function."""
        ex = self.ex
        ex.unpackable = {self._unpack_names[i]: n for i, n in self._fixed_size.items()}
        ex.unpacked = set()
        lines: list[str] = []
        try:
            yield lines
        finally:
            read = sorted(ex.unpacked, key=lambda name: int(name[1:]))
            lines += ["    " + "".join(f"{name}_{k}, " for k in range(ex.unpackable[name])) + f"= {name}\n" for name in read]
            ex.unpackable, ex.unpacked = {}, set()

    def _successor(self, sc: Scope) -> str:
        texts = [sc.vars[v.name].text for v in self.model.vars]
        if texts and texts == self._unpack_names:
            return "s"  # a self-loop reuses the state tuple
        return "(" + "".join(t + ", " for t in texts) + ")"

    def _finish(self, sc: Scope) -> str:
        return f"out.append({self._successor(sc)})"

    def _finish_labelled(self, sc: Scope) -> str:
        return f"out.append(({sc.p}, {self._successor(sc)}))"

    # ------------------------------------------------------------ init and actions

    def _init_source(self, traced: bool = False) -> str:
        """`init(out)`; `traced`: `init(out, at)`, which before every statement
        stores the variables assigned so far in the dict `at` (index -> value)."""
        name = self.ns.fresh("init")
        sc = Scope({}, p="0")
        before_each = None
        if traced:
            index = {v.name: i for i, v in enumerate(self.model.vars)}

            def before_each(sc: Scope) -> str:
                so_far = "".join(f"{index[v]}: {code}, " for v, code in sc.vars.items())
                return f"at.clear(); at.update({{{so_far}}})"

        st = StmtCompiler(self.ex, self.var_types, self._finish, before_each)
        st.run(list(self.model.init), sc, 1, "return", tail=True)
        return f"def {name}(out{', at' if traced else ''}):\n" + "\n".join(st.lines) + "\n"

    def partial_initial(self, failed: EvalFailure | AssertFailure) -> dict[str, Value] | None:
        """The initial state as far as it was computed when `failed` was raised
        by `init`: the variables assigned before the failing statement (for a
        false `assert`, usually all of them). None if the traced re-run does not
        fail at the same site (it runs the same statements, so it should)."""
        init = self._function(self._init_source(traced=True))
        at: dict[int, Any] = {}
        try:
            init([], at)
        except (EvalFailure, AssertFailure) as again:
            sites = self.sites.items
            if type(again) is type(failed) and sites[again.site] == sites[failed.site]:
                names, codecs = self.states.names, self.states.codecs
                return {names[i]: codecs[i].decode(x) for i, x in sorted(at.items())}
        return None

    def _action(self, action: Action) -> CompiledAction:
        domains = [universe(p.type) for p in action.params]
        args = list(itertools.product(*domains))
        encoded = [tuple(codec(p.type).encode(v) for p, v in zip(action.params, tup)) for tup in args]
        tuples = list(enumerate(encoded))
        run = self._function_or_die(self._action_source(action, tuples, loop=len(tuples) > FOLD_MAX), action.span)
        return CompiledAction(action, args, encoded, run)

    def _action_body(
        self, action: Action, tuples: list[tuple[int, tuple]], loop: bool, finish: Callable[[Scope], str], inline: bool
    ) -> str:
        """The statements (at indent 1, reading the unpacked state) appending
        the successors of every given parameter tuple. `inline`: code follows
        it, so no path may leave by `return` (a failed require nests the rest
        of its path instead)."""
        st = StmtCompiler(self.ex, self.var_types, finish)
        body, ind = list(action.body), 1
        if len(tuples) > 1:
            guard, body = leading_guard(body, {local.uid for local in action.params})
            # Tested once for all tuples, as the first tuple would (`p`: where it fails).
            c = self.ex.chain("and", [self.ex.expr(g, self._state_scope(p=str(tuples[0][0]))) for g in guard])
            if c.const and not c.value:
                return "    pass\n"
            if not c.const:
                st.line(1, f"if {c}:" if inline else f"if not {c}: return")
                ind += inline
        if loop:
            params = [self.ns.fresh("p") for _ in action.params]
            pattern = "(" + "".join(f"{p}, " for p in params) + ")"
            st.line(ind, f"for pi, {pattern} in enumerate({self.ns.bind(tuple(t for _, t in tuples))}):")
            sc = self._state_scope(p="pi")
            sc.env.update({local.uid: Code(p) for local, p in zip(action.params, params)})
            st.run(body, sc, ind + 1, "continue", tail=True)
        else:
            for k, (p, values) in enumerate(tuples):
                sc = self._state_scope(p=str(p))
                sc.env.update({local.uid: self.ex.const(v) for local, v in zip(action.params, values)})
                last = k == len(tuples) - 1 and not inline
                st.run(body, sc, ind, "return" if last else None, tail=True)
        return "\n".join(st.lines) + "\n"

    def _action_source(
        self, action: Action, tuples: list[tuple[int, tuple]], loop: bool, finish: Callable[[Scope], str] | None = None
    ) -> str:
        """One function appending the successors of every given parameter tuple
        (`finish`: the statement that appends one, by default the successor)."""
        name = self.ns.fresh("act")
        with self._positions_as_locals() as unpack:
            body = self._action_body(action, tuples, loop, finish or self._finish, inline=False)
        return f"def {name}(s, out):\n    {self._unpack()}\n" + "".join(unpack) + body

    @cached_property
    def expand(self) -> Callable[[list[tuple], list, array], None]:
        """expand(chunk, out, ends): the successors of each state of chunk by
        every action in turn, appended to out, and len(out) appended to ends
        after each (state, action) - so that after an EvalFailure or
        AssertFailure, len(ends) tells which (state, action) raised.

        One generated function runs every action's code inline: a state is
        unpacked once, and no call is made per (state, action). Inline, a
        failed `require` nests the rest of its path instead of returning, so
        a long chain of them may be nested too deeply for CPython's compiler
        (100 levels of indentation, 20 nested loops); then the same loop
        calls the action functions one by one. Its size is the sum of the
        action functions' (which are compiled anyway), so size alone needs no
        limit. Compiled on first use: only the search needs it.
        """
        try:
            return self._function(self._expand_source())
        except (SyntaxError, RecursionError, MemoryError):
            return partial(expand_each, [a.run for a in self.actions])

    def _expand_source(self) -> str:
        blocks = []
        with self._positions_as_locals() as unpack:
            for a in self.actions:
                if isinstance(a, CompiledAction):
                    tuples = list(enumerate(a.encoded))
                    blocks.append(self._action_body(a.action, tuples, a.folded, self._finish, inline=True))
                else:  # a fault step works on the encoded state (faults.py)
                    enabled = f"if {self._unpack_names[a.budget[0]]} < {a.budget[1]}:" if a.budget else "if True:"
                    code = self._fault_source(a) or [f"{self.ns.bind(a.run)}(s, out)"]
                    blocks.append(f"    {enabled}\n" + "".join(f"        {line}\n" for line in code))
        body, members = _members_once("".join(b + "    mark(len(out))\n" for b in blocks))
        unpack.append(members)
        name = self.ns.fresh("expand")
        head = f"def {name}(chunk, out, ends):\n    mark = ends.append\n    for s in chunk:\n        {self._unpack()}\n"
        return head + textwrap.indent("".join(unpack) + body, "    ")

    def _fault_source(self, step: FaultStep) -> list[str] | None:
        """The lines of a fault step run inline in `expand` (faults.Inline: the
        successors of its `moves`, in the same order), or None if it has no
        inline form."""
        plan = step.inline
        if plan is None:
            return None
        names = list(self._unpack_names)
        if step.budget is not None:
            names[step.budget[0]] = f"({names[step.budget[0]]} + 1)"

        def successor(changed: dict[int, str]) -> str:
            return "out.append((" + "".join(f"{changed.get(i, n)}, " for i, n in enumerate(names)) + "))"

        if plan.kind in ("lose", "duplicate"):
            bag, q = self._unpack_names[plan.var], self.ns.fresh("q")
            loop = f"for {q} in {self.ns.bind(plan.members)}({bag}):"
            if plan.kind == "lose":
                return [loop, "    " + successor({plan.var: f"_bag_remove({bag}, {q})"})]
            return [loop, f"    if _bag_count({bag}, {q}) < {plan.bound}:", "        " + successor({plan.var: f"_bag_add({bag}, {q})"})]
        assert plan.kind == "crash" and plan.entry is not None and plan.reset is not None
        lines = []
        for a in range(plan.atoms):
            changed = {i: self.ns.const(value) for i, value in plan.reset.items()}
            for i, initial in plan.entry.items():
                cur = Code(self._unpack_names[i])
                parts = [self.ns.const(initial[a]) if k == a else self.ex.at(cur, self.ex.const(k)).text for k in range(plan.atoms)]
                changed[i] = "(" + "".join(f"{x}, " for x in parts) + ")"
            lines.append(successor(changed))
        return lines

    def expand_chunk(self, chunk: list[tuple]) -> tuple[list[tuple], np.ndarray, bool]:
        """Every successor of a chunk (`expand`), the ends array and whether
        an action raised; after a failure, ends stops at the failing (state,
        action) and what that action produced is dropped. The search calls
        this or the native model's (native/kernel.py) alike."""
        out: list[tuple] = []
        ends = array("q")
        try:
            self.expand(chunk, out, ends)
        except (EvalFailure, AssertFailure):
            del out[ends[-1] if ends else 0 :]
            return out, np.frombuffer(ends, dtype=np.int64), True
        return out, np.frombuffer(ends, dtype=np.int64), False

    #: The fingerprint of each state (native/kernel.py has its own).
    fingerprints = staticmethod(fingerprints)

    def _initial_states(self) -> list[tuple]:
        """Every initial state; none if init fails (the search reports that before any step)."""
        out: list[tuple] = []
        try:
            self.init(out)
        except (EvalFailure, AssertFailure):
            return []
        return out

    def replay(self, k: int, p: int, state: tuple) -> list[tuple]:
        """The successors of `state` by action k with parameter tuple p only."""
        fn = self._single.get((k, p))
        if fn is None:
            a = self.actions[k]
            fn = self._function(self._action_source(a.action, [(p, a.encoded[p])], loop=False), a.action.span)
            self._single[(k, p)] = fn
        out: list[tuple] = []
        fn(state, out)
        return out

    def labelled(self, k: int) -> Callable[[tuple, list], None]:
        """Action k as a function appending (parameter tuple index, successor)
        pairs: which tuple took each step, in one run (liveness.py)."""
        fn = self._labelled.get(k)
        if fn is None:
            a = self.actions[k]
            source = self._action_source(a.action, list(enumerate(a.encoded)), a.folded, self._finish_labelled)
            fn = self._labelled[k] = self._function_or_die(source, a.action.span)
        return fn

    # ------------------------------------------------------------ state predicates

    def _checks(self, exprs: list[Expr], primed: bool) -> Callable | None:
        """A function returning the index of the first false expression, or -1."""
        if not exprs:
            return None
        name = self.ns.fresh("chk")
        sc = self._state_scope()
        head = f"def {name}(s):\n    {self._unpack()}\n"
        if primed:
            nxt = [f"n{i}" for i in range(len(self.model.vars))]
            sc.next_vars = {v.name: Code(n) for v, n in zip(self.model.vars, nxt)}
            # [][T]_vars: a step that changes nothing is a stutter step, and T is not checked on it.
            head = f"def {name}(s, t):\n    if s == t: return -1\n    {self._unpack()}\n    {self._unpack('t', nxt)}\n"
        with self._positions_as_locals() as unpack:
            body = "".join(f"    if not {self.ex.expr(e, sc)}: return {i}\n" for i, e in enumerate(exprs))
        return self._function(head + "".join(unpack) + body + "    return -1\n", getattr(exprs[0], "span", NO_SPAN))

    def _predicate(self, exprs: tuple[Expr, ...], op: str) -> StateFn | None:
        if not exprs:
            return None
        sc = self._state_scope()
        with self._positions_as_locals() as unpack:
            combined = self.ex.chain(op, [self.ex.expr(e, sc) for e in exprs])
        name = self.ns.fresh("pred")
        body = f"    return {combined}\n"
        return self._function(f"def {name}(s):\n    {self._unpack()}\n" + "".join(unpack) + body, getattr(exprs[0], "span", NO_SPAN))

    def state_function(self, expr: Expr, bindings: dict[Local, Any]) -> StateFn:
        """expr's internal value in a state, with some locals bound (slow path: explanations)."""
        sc = self._state_scope()
        sc.env.update({local.uid: self.ex.const(v) for local, v in bindings.items()})
        name = self.ns.fresh("val")
        source = f"def {name}(s):\n    {self._unpack()}\n    return {self.ex.expr(expr, sc)}\n"
        return self._function(source, getattr(expr, "span", NO_SPAN))


def _safe(name: str) -> str:
    """A model name as a file-name part: letters, digits and `_` only (spec text is untrusted)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name)[:64] or "model"


def dump_dir(model_name: str) -> Path | None:
    """DIR/MODEL when SPECPY_DUMP_CODE=DIR is set (created), else None."""
    root = os.environ.get(DUMP_ENV)
    if not root:
        return None
    path = Path(root) / _safe(model_name)
    path.mkdir(parents=True, exist_ok=True)
    return path


#: A loop over the canonical members of a state variable (a `choose` or
#: `receive` over a set or bag: compile_expr.iterate), `for c7 in k12(s8):`.
MEMBERS_LOOP = re.compile(r"(?<=\bin )k\d+\(s\d+(?:_\d+)?\)(?=:\n)")


def _members_once(body: str) -> tuple[str, str]:
    """`body` (the per-state code of `expand`) with the members of a state
    variable that several actions loop over computed once per state, and the
    lines computing them: a pure call (a sort, or a memo lookup) that every
    receive action of a network would otherwise repeat."""
    counts = Counter(m[0] for m in MEMBERS_LOOP.finditer(body))
    names = {call: "e" + re.sub(r"\W", "_", call).strip("_") for call, n in counts.items() if n > 1}
    if not names:
        return body, ""
    body = MEMBERS_LOOP.sub(lambda m: names.get(m[0], m[0]), body)
    return body, "".join(f"    {name} = {call}\n" for call, name in names.items())


def expand_each(runs: list[Callable[[tuple, list], None]], chunk: list[tuple], out: list, ends: array) -> None:
    """CompiledModel.expand as a loop calling one action function at a time."""
    mark = ends.append
    for s in chunk:
        for run in runs:
            run(s, out)
            mark(len(out))
