"""Every knob in one place: environment variables JIKIMI_*."""

from __future__ import annotations

import ipaddress
import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator
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
        "worker thread for whatever is left (false, on PostgreSQL only: API only, a "
        "`jikimi worker` judges)",
    )
    worker_poll_s: float = Field(
        0.05,
        gt=0,
        description="how often a worker looks for events stored by other processes, and for "
        "victims' phone fixes (which wake nobody: judged at this look)",
    )
    worker_batch: int = Field(
        25, gt=0, description="events judged per transaction (short, so writers interleave)"
    )
    sse_poll_s: float = Field(
        0.05, gt=0, description="how often a process looks for alert changes made by others"
    )
    alert_evidence_shown: int = Field(
        20,
        ge=1,
        le=10_000,
        description="the latest pieces of evidence an alert carries in the queue and the live "
        "stream (GET /alerts/{id} carries all)",
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
    login_rate_per_s: float = Field(
        1.0, gt=0, description="console sign-in attempts per second per client address"
    )
    login_burst: int = Field(10, gt=0, description="sign-in attempts an address may burst above it")
    auth_cache_s: float = Field(
        2.0, ge=0, description="seconds a checked token is trusted before it is checked again"
    )
    max_feed_body_bytes: int = Field(
        4_194_304, gt=0, description="largest body of POST /api/v1/feed/locations (10,000 pings)"
    )
    victim_fix_max_age_s: float = Field(
        300, gt=0, description="the victim's own fix is a moving zone for this long"
    )
    eta_warn_s: float = Field(
        300,
        gt=0,
        description="warn when the perpetrator is on course to reach a zone within this time",
    )
    warn_radius_m: int = Field(
        1000, gt=0, description="warning radius of an approach ban that names none"
    )
    device_silence_s: float = Field(
        600, gt=0, description="an anklet silent this long under monitoring: device_offline"
    )
    task_plan_s: float = Field(
        30,
        gt=0,
        description="how often a worker's scheduling pass writes the tasks owed (reviews, "
        "follow-up monitoring) and escalates overdue ones",
    )
    patrol_solve_s: float = Field(
        5,
        gt=0,
        le=60,
        description="the longest a patrol plan's route search may run (OR-Tools' time limit)",
    )
    risk_scorer: Literal["model", "checklist"] = Field(
        "model",
        description="risk scoring: the learned model shipped in the package, or the police "
        "checklist count",
    )
    session_idle_s: float = Field(
        1800, gt=0, description="a console session ends after this long without a user action"
    )
    session_max_s: float = Field(
        43_200, gt=0, description="a console session ends this long after login, active or not"
    )
    login_max_failures: int = Field(
        5, gt=0, description="wrong passwords or codes in a row before an account locks"
    )
    login_lockout_s: float = Field(600, gt=0, description="how long a locked account stays locked")
    key_file: str = Field(
        "./data/keys.json", description="data-encryption key ring (generated on first run)"
    )
    keys: str | None = Field(
        None, description="the key ring as JSON, instead of the key file (e.g. from a vault)"
    )
    evidence_key_file: str | None = Field(
        None,
        description="the Ed25519 key that signs evidence bundles (PKCS#8 PEM, generated on "
        "first run); unset: evidence-key.pem beside the key file",
    )
    log_level: str = Field("INFO", description="logging level")
    map_tile_url: str | None = Field(
        None,
        description="the agency's own map tile server for the console, e.g. "
        "https://tiles.police.internal/{z}/{x}/{y}.png; unset: offline boundaries only",
    )
    map_tile_attribution: str = Field(
        "", max_length=200, description="credit shown on the console map for those tiles"
    )

    trusted_proxies: str = Field(
        "",
        description="addresses (comma-separated IPs or networks) of reverse proxies whose "
        "X-Forwarded-For names the client, e.g. 127.0.0.1; unset: no one's is believed",
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: str) -> str:
        """IPs or networks only (a `*` would let any client choose its address)."""
        items = [v.strip() for v in value.split(",") if v.strip()]
        for item in items:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    f"trusted_proxies: {item!r} is not an IP address or network"
                ) from None
        return ",".join(items)

    @field_validator("map_tile_url")
    @classmethod
    def _tile_template(cls, value: str | None) -> str | None:
        """An http(s) URL template with {z}, {x} and {y}, and a host the CSP can name."""
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not TILE_URL.fullmatch(value) or not all(k in value for k in ("{z}", "{x}", "{y}")):
            raise ValueError(
                "map_tile_url must be http(s)://host[:port]/…{z}…{x}…{y}… (a tile template)"
            )
        return value

    @property
    def map_tile_origin(self) -> str | None:
        """The tile server's origin for the CSP ({s} subdomains become a * wildcard)."""
        if self.map_tile_url is None:
            return None
        parts = urlsplit(self.map_tile_url.replace("{s}", "*"))
        return f"{parts.scheme}://{parts.netloc}"


# A host of letters, digits, dots and dashes (or Leaflet's {s} subdomain placeholder), an
# optional port, then a path without spaces, quotes or semicolons: it goes into the CSP.
TILE_URL = re.compile(r"https?://(\{s\}\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?/[^\s;,'\"]*")
