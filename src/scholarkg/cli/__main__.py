"""``python -m scholarkg.cli``: the same as the ``scholarkg`` command."""

from scholarkg.cli.app import main

raise SystemExit(main())
