"""Apache Jena's ``shacl validate`` as a reference point (Debian's libapache-jena-java).

Jena 4.5 as packaged by Debian fails on start-up with "Can't find bundle for base name
xerces.impl.xpath.regex.message": the shaded Xerces classes look for their message bundles at
``xerces/impl/…`` but jena-core.jar keeps them at ``org/apache/jena/ext/xerces/impl/…``. The
bundles are copied to a directory with the expected layout, which goes on the class path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from measure import tree_rss

JAVA_DIR = Path("/usr/share/java")
JARS = [
    *("jena-arq", "jena-base", "jena-cmds", "jena-core", "jena-iri", "jena-shacl", "jena-shex"),
    *("jena-dboe-base", "jena-rdfconnection", "commons-cli", "commons-codec", "commons-compress"),
    *("commons-csv", "commons-io", "commons-lang3", "dexx.collection", "gson", "guava"),
    *("httpclient", "httpcore", "jackson-core", "jackson-databind", "jackson-annotations"),
    *("jsonld-java", "jakarta.json-api", "protobuf", "slf4j-api", "slf4j-nop", "thrift"),
    "titanium-json-ld",
]
BUNDLE_PREFIX = "org/apache/jena/ext/xerces/impl/"


@dataclass(frozen=True)
class JenaRun:
    seconds: float
    results: int
    conforms: bool
    peak_rss: int


def install() -> str:
    """Install Debian's Jena package (needs root and network to the Debian mirror)."""
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        return "not installed: apt-get needs root"
    for cmd in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "libapache-jena-java"],
    ):
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return f"not installed: {' '.join(cmd)} failed: {done.stderr.strip()[-200:]}"
    return "installed"


def classpath(cache: Path) -> str | None:
    """The class path for ``shacl.shacl``, or None when Jena or Java is missing."""
    if shutil.which("java") is None or not (JAVA_DIR / "jena-shacl.jar").exists():
        return None
    jars = [JAVA_DIR / f"{name}.jar" for name in JARS]
    if not all(jar.exists() for jar in jars):
        return None
    bundles = cache / "jena-bundles"
    if not (bundles / "xerces" / "impl" / "xpath" / "regex" / "message.properties").exists():
        with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as jar:
            for name in jar.namelist():
                if name.startswith(BUNDLE_PREFIX) and name.endswith(".properties"):
                    target = bundles / "xerces" / "impl" / name.removeprefix(BUNDLE_PREFIX)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(name))
    return ":".join([str(bundles), *map(str, jars)])


def validate(cp: str, shapes: Path, data: Path, report: Path) -> JenaRun:
    """Run ``shacl validate`` once; wall time includes JVM start-up and parsing."""
    command = ["java", "-cp", cp, "shacl.shacl", "validate", "--shapes", str(shapes)]
    command += ["--data", str(data)]
    peak = 0
    started = time.perf_counter()
    with report.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE)
        while process.poll() is None:
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.05)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        error = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise RuntimeError(f"jena shacl validate failed ({process.returncode}): {error[-500:]}")
    text = report.read_text(encoding="utf-8", errors="replace")
    results = text.count("sh:ValidationResult")
    return JenaRun(seconds, results, "sh:conforms  true" in text or results == 0, peak)
