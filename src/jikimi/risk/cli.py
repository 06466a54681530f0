"""`jikimi risk …`: the synthetic population, training, and a look at the shipped model."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Risk assessment: synthetic data, training, the model card.", no_args_is_help=True
)


@app.command()
def synth(
    n: Annotated[int, typer.Option("--n", help="number of cases")] = 200_000,
    out: Annotated[Path, typer.Option(help=".csv, .csv.gz or .parquet (needs pyarrow)")] = Path(
        "data/apo.csv"
    ),
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
) -> None:
    """Draw a synthetic population of protection-order cases with Korean notes."""
    from jikimi.risk.dataset import write_table
    from jikimi.risk.synth import synthesize

    started = time.perf_counter()
    cols = synthesize(n, seed)
    write_table(cols, out)
    rate = sum(cols["reoffended_90d"]) / max(n, 1)  # type: ignore[arg-type]
    typer.echo(
        f"{n} cases ({rate:.1%} re-offended) → {out} in {time.perf_counter() - started:.1f} s"
    )


@app.command()
def train(
    data: Annotated[
        Path | None, typer.Option(help="a table from `jikimi risk synth` (default: draw 200,000)")
    ] = None,
    out: Annotated[
        Path, typer.Option(help="models directory; the new version becomes CURRENT")
    ] = Path("data/risk-models"),
    seed: Annotated[int, typer.Option(help="split and boosting seed")] = 0,
) -> None:
    """Train, evaluate on a hold-out, write a versioned artefact with its model card."""
    from jikimi.risk.dataset import read_table
    from jikimi.risk.synth import synthesize
    from jikimi.risk.train import train as run

    started = time.perf_counter()
    cols = read_table(data) if data else synthesize(200_000, seed + 1)
    n = len(cols["reoffended_90d"])
    first = str(cols["case_id"][0]) if n else ""
    drawn = (
        f"synthetic (jikimi risk synth --seed {first.split('-')[1]})"
        if first.startswith("SYN-")
        else ""
    )
    source = f"{data}: {n} cases, {drawn}" if data else f"synthetic, {n} cases, seed {seed + 1}"
    typer.echo(f"{n} cases read in {time.perf_counter() - started:.1f} s")
    version_dir = run(cols, out, seed=seed, data_source=source, say=typer.echo)
    (out / "CURRENT").write_text(version_dir.name + "\n", encoding="utf-8")
    card = json.loads((version_dir / "card.json").read_text(encoding="utf-8"))
    for name, row in card["metrics"].items():
        typer.echo(f"  {name:22} AUC {row['auc']:.3f} [{row['auc_lo']:.3f}, {row['auc_hi']:.3f}]")
    typer.echo(f"total {time.perf_counter() - started:.1f} s; CURRENT → {version_dir.name}")


@app.command()
def card(
    path: Annotated[Path | None, typer.Option(help="a version or models directory")] = None,
) -> None:
    """Print a model's card (default: the shipped model)."""
    from jikimi.risk.scorer import Scorer

    typer.echo(json.dumps(Scorer.load(path).card(), indent=2, ensure_ascii=False))
