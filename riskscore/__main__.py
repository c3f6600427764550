"""Allow `python -m riskscore`."""

from __future__ import annotations

from riskscore.commands.app import main

if __name__ == "__main__":
    main()
