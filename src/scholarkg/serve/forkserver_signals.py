"""Imported by the query workers' forkserver only (its preload): it ignores SIGTERM from
then on, as multiprocessing has it ignore SIGINT. A supervisor's SIGTERM to the server's
process group is the server's to act on: it answers the running queries and stops its workers
itself; the forkserver ends when the server does (multiprocessing closes its pipe).

SIGINT is ignored here too, before multiprocessing notes the handlers its children get back
(it reads them after the preload): a worker forked just as Ctrl-C reaches the process group
starts with SIGINT ignored, not with Python's handler until its own start-up ignores it (a
``KeyboardInterrupt`` traceback in ``_after_fork`` on the server's output)."""

import signal

signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
