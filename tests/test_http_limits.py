"""Every request ends: a total deadline, a body-size cap, and spacing from the end of the last one.

The loopback replay server misbehaves on purpose: it drips a body or its headers one byte at a
time (each read succeeds, so a per-read timeout never fires), or streams a body without end.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from arxiv_replay import Fault, ReplayServer, fast_policy
from conftest import write_config
from polls import until
from scholarkg.clients import http_client
from scholarkg.config import load_config
from scholarkg.errors import ExtractError
from scholarkg.extract.http import HttpClient, HttpResponse
from scholarkg.extract.raw_archive import RawArchive

pytest_plugins = ("arxiv_fixtures",)

ID_QUERY = {"id_list": "1605.08386"}
HANG = 60.0  # generous: a call still running after this is hung


def outcome(call: Callable[[], HttpResponse]) -> HttpResponse | BaseException:
    """Run ``call`` in a thread; fail the test if it has not ended after ``HANG`` seconds."""
    result: list[HttpResponse | BaseException] = []

    def run() -> None:
        try:
            result.append(call())
        except BaseException as exc:
            result.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(HANG)
    assert not thread.is_alive(), "the request is still running: hung"
    return result[0]


@pytest.mark.parametrize("kind", ["drip", "drip_headers"])
def test_a_dripping_server_is_cut_off_at_the_total_deadline(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive, kind: str
) -> None:
    # One byte every 0.05 s: every read succeeds well within read_timeout (30 s, so that a busy
    # machine cannot make a read time out first), and the whole answer would take ~500 s.
    arxiv_server.add_fault(Fault(kind, body=b"x" * 10_000, seconds=0.05), times=-1)
    policy = fast_policy(read_timeout=30.0, total_timeout=1.5)
    with HttpClient(arxiv_archive, policy) as client:
        failure = outcome(lambda: client.get(arxiv_server.api_url, ID_QUERY))
    assert isinstance(failure, ExtractError)
    assert "[http] total_timeout = 1.5" in str(failure) and arxiv_server.api_url in str(failure)
    assert len(arxiv_server.requests) == 1  # a server too slow once is not asked again at once
    assert list(arxiv_archive.retrievals()) == []  # nothing half-read is archived as an answer


def test_an_endless_body_is_cut_off_at_the_size_cap(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    arxiv_server.add_fault(Fault("endless"), times=-1)
    with HttpClient(arxiv_archive, fast_policy(max_body_bytes=1_000_000)) as client:
        failure = outcome(lambda: client.get(arxiv_server.api_url, ID_QUERY))
    assert isinstance(failure, ExtractError)
    assert "[http] max_body_bytes = 1000000" in str(failure)
    assert len(arxiv_server.requests) == 1


def test_a_per_request_cap_can_be_smaller(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    with HttpClient(arxiv_archive, fast_policy()) as client:
        whole = client.get(arxiv_server.api_url, ID_QUERY)
        assert len(whole.body) > 1000
        with pytest.raises(ExtractError, match=r"\[limits\] profile_bytes = 1000"):
            client.get(
                arxiv_server.api_url, ID_QUERY, max_bytes=1000, limit_key="[limits] profile_bytes"
            )


def test_the_client_still_works_after_cutting_a_server_off(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    arxiv_server.add_fault(Fault("endless"), times=1)
    with HttpClient(arxiv_archive, fast_policy(max_body_bytes=500_000)) as client:
        assert isinstance(outcome(lambda: client.get(arxiv_server.api_url, ID_QUERY)), ExtractError)
        answer = outcome(lambda: client.get(arxiv_server.api_url, ID_QUERY))
    assert isinstance(answer, HttpResponse) and answer.status == 200


def test_spacing_counts_from_the_end_of_the_previous_answer(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    # The server takes 0.4 s to answer: spacing from the *start* of a request would send the
    # next one as soon as this answer arrives, less than min_interval after it.
    arxiv_server.add_fault(Fault("sleep", seconds=0.4), times=-1)
    with HttpClient(arxiv_archive, fast_policy(min_interval=0.3)) as client:
        for _ in range(3):
            client.get(arxiv_server.api_url, ID_QUERY)
    served = arxiv_server.requests
    assert len(served) == 3
    for before, after in itertools.pairwise(served):
        assert before.finished is not None
        assert after.started - before.finished >= 0.3, (before, after)


def test_config_sets_the_deadline_and_the_cap(tmp_path: Path) -> None:
    config = load_config(
        write_config(tmp_path, [], http={"total_timeout": 7.5, "max_body_bytes": 12345})
    )
    with http_client(config) as client:
        assert (client.policy.total_timeout, client.policy.max_body_bytes) == (7.5, 12345)
    default = load_config(write_config(tmp_path, []))
    assert default.http.total_timeout == 300.0 and default.http.max_body_bytes == 64 * 2**20


def test_an_http_1_0_drip_is_cut_off_too(arxiv_archive: RawArchive) -> None:
    """An HTTP/1.0 answer takes the socket over from its connection (``sock`` becomes None
    while the body is read): the deadline still cuts it."""
    from loopback import Drip

    drip = Drip(b"x" * 10_000, 0.05)
    try:
        policy = fast_policy(read_timeout=30.0, total_timeout=1.5)  # only the total can cut
        with HttpClient(arxiv_archive, policy) as client:
            failure = outcome(lambda: client.get(drip.url))
    finally:
        drip.stop()
    assert isinstance(failure, ExtractError) and "[http] total_timeout = 1.5" in str(failure)


FLOOD = 128 * 2**20  # more than loopback's socket buffers hold (at most ~36 MiB here)


def test_a_redirect_s_body_is_never_read(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    """A redirect is no answer: its body is not read, so a server that sends a flood with its
    302 holds neither the client's memory nor its deadline. Before, ``requests`` read the whole
    body of every redirect whatever ``[http] max_body_bytes`` said (an endless one grew by
    ~300 MB a second until ``total_timeout``)."""
    target = "/api/query?" + "&".join(f"{k}={v}" for k, v in ID_QUERY.items())
    arxiv_server.add_fault(
        Fault("redirect", status=302, headers={"Location": target}, size=FLOOD), times=1
    )
    with HttpClient(arxiv_archive, fast_policy(max_body_bytes=1_000_000)) as client:
        answer = outcome(lambda: client.get(arxiv_server.api_url, ID_QUERY))
    assert isinstance(answer, HttpResponse), answer
    assert answer.status == 200 and b"<feed" in answer.body
    redirect, followed = arxiv_server.requests_to("/api/query")
    assert followed.raw_query == target.partition("?")[2]
    # the server notices the hang-up when its buffers fill
    until(lambda: redirect.finished is not None, "the redirect never ended", HANG, every=0.05)
    assert redirect.sent < FLOOD  # the client hung up without reading the flood


def test_a_redirect_loop_ends_in_one_line(
    arxiv_server: ReplayServer, arxiv_archive: RawArchive
) -> None:
    arxiv_server.add_fault(
        Fault("redirect", status=301, headers={"Location": "/api/query?id_list=1605.08386"}),
        times=-1,
    )
    with HttpClient(arxiv_archive, fast_policy()) as client:
        failure = outcome(lambda: client.get(arxiv_server.api_url, ID_QUERY))
    assert isinstance(failure, ExtractError), failure
    assert "redirect" in str(failure) and "\n" not in str(failure)
    assert arxiv_server.api_url in str(failure)
