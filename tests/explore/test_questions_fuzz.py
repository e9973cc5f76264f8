"""The question box answers any text with a value or a located error, never an exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from explorer_process import ROOT
from specpy.explicit.compile import CompiledModel
from specpy.explore.questions import Questions
from specpy.pipeline import load_with_questions, read_source

MODEL, TYPECHECK = load_with_questions(read_source(ROOT / "specs/raft_figure8.spec"))
CM = CompiledModel(MODEL)
QUESTIONS = Questions(CM, TYPECHECK)
INITIAL: list[tuple] = []
CM.init(INITIAL)

#: Pieces of spec and Python syntax, so that the fuzz reaches the typechecker and evaluation.
WORDS = ["log", "s1", "s2", "[", "]", "(", ")", "{", "}", "+", "-", "==", "and", "or", "not", "len", "1", "2",
         "Server", "for", "in", "s", ":", ",", ".", "term", "exists", "forall", "__import__", "'os'", '"x"', "\n",
         "currentTerm", "role", "Leader", "none", "if", "else", "max", "committed", "#", "\\", "lambda", ";"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=0, max_size=12).map(" ".join) | st.text(max_size=40))
def test_any_text_gets_an_answer(text: str):
    a = QUESTIONS.ask(text, INITIAL[0])
    assert (a.value is None) != (a.error is None)
    if a.error is not None:
        assert a.error.startswith(("<expression>:", "specs/raft_figure8.spec:")), a.error
