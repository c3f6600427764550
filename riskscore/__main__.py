"""Allow `python -m riskscore`."""

from __future__ import annotations

from riskscore.cli import main

if __name__ == "__main__":
    main()
