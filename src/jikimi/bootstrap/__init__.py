"""The one place that picks real adapters and wires them together.

`container` holds the `Container` a process runs on and `build`, which wires it;
`factories` turns settings into the adapters it wires in.
"""

from __future__ import annotations

from jikimi.bootstrap.container import Container, build
from jikimi.bootstrap.factories import load_scorer, risk_plots

__all__ = ["Container", "build", "load_scorer", "risk_plots"]
