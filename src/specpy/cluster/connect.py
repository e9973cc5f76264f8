"""Joining a Ray cluster, or starting one in this machine, for one check.

`--cluster ray` starts a private Ray instance bound to 127.0.0.1 (stopped
when the check ends); `--cluster ray=auto` joins the cluster that `ray start`
made on this machine (RAY_ADDRESS or the latest local one); `--cluster
ray=HOST:PORT` joins the cluster whose head's GCS listens there. Without Ray
installed every form is an OptionError (exit 151) that names the extra.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from typing import Any

from specpy.options import OptionError

EXTRA = "pip install 'specpy-mc[ray]'"


def parse(spec: str) -> str | None:
    """The address in `ray`, `ray=auto` or `ray=HOST:PORT` (None: start a local Ray)."""
    engine, eq, address = spec.partition("=")
    if engine != "ray":
        raise OptionError(f"--cluster {spec}: the only cluster engine is ray (ray, ray=auto or ray=HOST:PORT)")
    if not eq:
        return None
    if address == "auto":
        return address
    host, colon, port = address.rpartition(":")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise OptionError(f"--cluster {spec}: expected ray=auto or ray=HOST:PORT (the head's GCS address)")
    return address


def import_ray() -> Any:
    """The ray module, or an OptionError saying how to install it."""
    try:
        import ray
    except ImportError:
        raise OptionError(f"--cluster ray needs Ray, an optional dependency: {EXTRA}") from None
    return ray


@contextmanager
def connected(spec: str) -> Iterator[int]:
    """Connected to the cluster (started, for `ray`) for the block; yields its number of alive nodes."""
    address = parse(spec)
    ray = import_ray()
    if ray.is_initialized():  # a caller (a test, a notebook) connected already: use that, leave it up
        yield _alive_nodes(ray)
        return
    settings: dict[str, Any] = dict(
        logging_level=logging.WARNING, log_to_driver=False, include_dashboard=False, configure_logging=False,
    )
    try:
        if address is None:
            # "local": a new instance, even when `ray start` left one running here
            ray.init(address="local", _node_ip_address="127.0.0.1", num_cpus=max(os.cpu_count() or 1, 1), **settings)
        else:
            ray.init(address=address, **settings)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise OptionError(f"--cluster {spec}: cannot connect to Ray: {exc}") from None
    # Ray's threads print news of dying nodes and workers to stdout, which carries --json.
    with redirect_stdout(sys.stderr):
        try:
            yield _alive_nodes(ray)
        finally:
            ray.shutdown()


def _alive_nodes(ray: Any) -> int:
    return sum(1 for n in ray.nodes() if n.get("Alive"))
