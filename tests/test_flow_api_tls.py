"""A configured Prefect API is asked whether it answers the way Prefect's own client reaches
it: an HTTPS API with a certificate of its own, reached because
``PREFECT_API_TLS_INSECURE_SKIP_VERIFY`` (or ``PREFECT_API_SSL_CERT_FILE``) says so, is not
refused as a run starts (before: a plain request verified the certificate and the run ended on
``the Prefect API does not answer (ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED] …)``); without
those settings it is refused in one line, as Prefect would fail to reach it. The server is a
loopback HTTPS one with a certificate made for the test."""

from __future__ import annotations

import datetime as dt
import http.server
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from prefect.settings import (
    PREFECT_API_SSL_CERT_FILE,
    PREFECT_API_TLS_INSECURE_SKIP_VERIFY,
    temporary_settings,
)
from scholarkg_flows.temporary_api import check_answers

from scholarkg.errors import ConfigError


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"true"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture
def https_api(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    cert_file, key_file = _certificate(tmp_path)
    server = http.server.HTTPServer(("127.0.0.1", 0), _Health)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_port}/api", cert_file
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_an_api_prefect_reaches_without_verifying_its_certificate_is_not_refused(
    https_api: tuple[str, Path],
) -> None:
    url, _cert = https_api
    with temporary_settings(updates={PREFECT_API_TLS_INSECURE_SKIP_VERIFY: True}):
        check_answers(url)


def test_an_api_whose_certificate_prefect_is_given_is_not_refused(
    https_api: tuple[str, Path],
) -> None:
    url, cert_file = https_api
    with temporary_settings(updates={PREFECT_API_SSL_CERT_FILE: str(cert_file)}):
        check_answers(url)


def test_an_api_whose_certificate_nothing_vouches_for_is_refused_in_one_line(
    https_api: tuple[str, Path],
) -> None:
    url, _cert = https_api
    with pytest.raises(ConfigError) as caught:
        check_answers(url)
    said = str(caught.value)
    assert "\n" not in said and said.startswith(f"PREFECT_API_URL={url}: the Prefect API does not")
    assert "CERTIFICATE_VERIFY_FAILED" in said
