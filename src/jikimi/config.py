"""Every knob in one place: environment variables JIKIMI_*."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Jikimi's configuration, read from the environment (prefix JIKIMI_)."""

    model_config = SettingsConfigDict(env_prefix="JIKIMI_", extra="ignore")

    database_url: str = Field(
        "sqlite:///./jikimi.db", description="SQLAlchemy URL; SQLite file or postgresql+psycopg://"
    )
    default_region: str = Field("KR", description="region for numbers typed without +country")
    statute_pack: str = Field("kr", description="jurisdiction pack of order kinds")
    escalate_after_s: float = Field(60.0, gt=0, description="open alert rises a level per period")
    escalate_max_level: int = Field(3, ge=0, description="highest escalation level")
    max_body_bytes: int = Field(1_048_576, gt=0, description="largest request body accepted")
    worker: bool = Field(
        True,
        description="judge events in this process: as each request stores them, and in a "
        "worker thread for whatever is left (false: API only, a `jikimi worker` judges)",
    )
    worker_poll_s: float = Field(
        0.05, gt=0, description="how often a worker looks for events stored by other processes"
    )
    worker_batch: int = Field(
        25, gt=0, description="events judged per transaction (short, so writers interleave)"
    )
    sse_poll_s: float = Field(
        0.05, gt=0, description="how often a process looks for alert changes made by others"
    )
    device_stale_s: float = Field(
        86_400, gt=0, description="victim phone silent this long: status says degraded"
    )
    audit_bulk_limit: int = Field(
        50, gt=0, description="distinct people one account may look up in 10 min before a flag"
    )
    break_glass_minutes: int = Field(60, gt=0, description="how long a break-glass read lasts")
    device_signing: Literal["required", "optional"] = Field(
        "required", description="phones and feeds sign each request (HMAC); optional: if present"
    )
    rate_limit_per_s: float = Field(20.0, gt=0, description="requests per second per token")
    rate_limit_burst: int = Field(200, gt=0, description="requests a token may burst above it")
    auth_cache_s: float = Field(
        2.0, ge=0, description="seconds a checked token is trusted before it is checked again"
    )
    key_file: str = Field(
        "./data/keys.json", description="data-encryption key ring (generated on first run)"
    )
    keys: str | None = Field(
        None, description="the key ring as JSON, instead of the key file (e.g. from a vault)"
    )
    log_level: str = Field("INFO", description="logging level")
