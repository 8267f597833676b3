"""Start the test OpenID provider in its own process and stop it again."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[3]
PROVIDER_PASSWORD = "provider-password-1"


@dataclass
class Provider:
    url: str
    client_id: str
    client_secret: str

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/o/.well-known/openid-configuration"

    def settings(self) -> dict:
        """Yhdessä's settings for logging in through this provider."""
        return {
            "OIDC_ENABLED": True,
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_DISCOVERY_URL": self.discovery_url,
        }


def rsa_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def person(**claims) -> dict:
    return {"password": PROVIDER_PASSWORD, "claims": claims}


@contextmanager
def running_provider(
    directory: Path, people: dict[str, dict], redirect_uris: list[str]
) -> Iterator[Provider]:
    """The provider on a free port, with `people` ({username: person(...)})
    and one confidential client that may return to `redirect_uris`."""
    directory.mkdir(parents=True, exist_ok=True)
    client = {
        "client_id": "yhdessa-test-client",
        "client_secret": "yhdessa-test-secret-0123456789",
        "redirect_uris": redirect_uris,
    }
    (directory / "people.json").write_text(json.dumps(people))
    (directory / "client.json").write_text(json.dumps(client))
    (directory / "key.pem").write_text(rsa_private_key_pem())
    environment = {
        **os.environ,
        "OIDC_PROVIDER_DB": str(directory / "provider.sqlite3"),
        "OIDC_PROVIDER_PEOPLE": str(directory / "people.json"),
        "OIDC_PROVIDER_CLIENT": str(directory / "client.json"),
        "OIDC_PROVIDER_KEY": str(directory / "key.pem"),
    }
    log = (directory / "provider.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "yhdessa.tests.oidc_provider.serve"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        port = process.stdout.readline().strip()
        if not port:
            process.wait(timeout=10)
            log.flush()
            raise RuntimeError(
                "the test OpenID provider did not start:\n"
                + (directory / "provider.log").read_text()
            )
        yield Provider(
            url=f"http://127.0.0.1:{port}",
            client_id=client["client_id"],
            client_secret=client["client_secret"],
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        log.close()
