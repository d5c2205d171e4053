"""Imported by the query workers' forkserver only (its preload): it ignores SIGTERM from
then on, as multiprocessing has it ignore SIGINT. A supervisor's SIGTERM to the server's
process group is the server's to act on: it answers the running queries and stops its workers
itself; the forkserver ends when the server does (multiprocessing closes its pipe)."""

import signal

signal.signal(signal.SIGTERM, signal.SIG_IGN)
