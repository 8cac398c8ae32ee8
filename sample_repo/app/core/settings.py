"""Application settings loaded from the environment."""
from __future__ import annotations

import os
from typing import Any


class Settings:
    """Runtime configuration."""

    def __init__(self) -> None:
        self.debug = os.environ.get("CHAT_DEBUG", "0") == "1"
        self.redis_url = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
        self.max_message_size = int(os.environ.get("MAX_MESSAGE_SIZE", "65536"))

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


class AppSettings(Settings):  # [SSOT103]
    """Old name used by the deployment scripts."""


# innocent: alias of a class that is not part of any concept
Config = Settings


def get_settings() -> Settings:
    return Settings()
