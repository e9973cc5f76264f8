"""The cyclic garbage collector while the CLI starts.

Start-up — importing click, specpy and numpy, parsing and typechecking the
spec, generating its code — makes tens of thousands of objects that live as
long as the process (modules, classes, functions, parse tables) and little
garbage, yet the collector would scan them again and again: about a tenth of
a one-state check (bench/startup.py). So the CLI turns the collector off when
it is imported (`pause`), and `resume` turns it back on just before a
command's own work, with everything made so far frozen (`gc.freeze`: moved
where the collector never scans it again). `check` resumes once its backend
is imported (check.py); every other command when it is looked up (the
`specpy` group). The library (`specpy.api`) never touches the collector.
"""

from __future__ import annotations

import gc


def pause() -> None:
    gc.disable()


def resume() -> None:
    """The collector on again, start-up's objects frozen; a no-op once it is on."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
