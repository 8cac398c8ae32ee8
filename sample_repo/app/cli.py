"""Command line entry point: ``python -m app.cli announce "text"``."""
from __future__ import annotations

import argparse
import asyncio
import sys

from app.services.broadcast import announce


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="chatapp")
    parser.add_argument("command", choices=["announce"])
    parser.add_argument("text")
    args = parser.parse_args(argv)
    delivered = await announce(args.text)
    print(f"delivered to {delivered} sockets")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
