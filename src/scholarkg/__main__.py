"""``python -m scholarkg``: the same as the ``scholarkg`` command (and ``python -m
scholarkg.cli``). Before: 'scholarkg' is a package and cannot be directly executed."""

from scholarkg.cli.app import main

raise SystemExit(main())
