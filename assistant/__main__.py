"""`python -m assistant` does what the `greenlight` command does."""

from .cli import main

raise SystemExit(main())
