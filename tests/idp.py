"""Real identity providers for sign-in tests, run by node on 127.0.0.1: `oidc-provider` (OpenID
certified) and `samlify` acting as a SAML IdP (tests/js/oidc-idp.mjs, tests/js/saml-idp.mjs), and
a browser stand-in that walks the redirects between them and Insignia."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.support import free_port

JS = Path(__file__).parent / "js"


@dataclass
class NodeProcess:
    script: str
    config: dict[str, Any]
    tmp: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None
    drain: threading.Thread = field(init=False)
    stderr: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> NodeProcess:
        config_path = self.tmp / f"{self.script}.json"
        config_path.write_text(json.dumps(self.config))
        self.process = subprocess.Popen(
            ["node", str(JS / self.script), "--port", str(self.port), "--config", str(config_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None and self.process.stderr is not None
        self.drain = threading.Thread(target=self._drain, args=(self.process.stderr,), daemon=True)
        self.drain.start()
        line = self.process.stdout.readline()
        if not line.startswith("ready "):
            self.stop()
            raise RuntimeError(f"{self.script} did not start: {line!r} {''.join(self.stderr)[-2000:]}")
        return self

    def _drain(self, stream: Any) -> None:
        for line in stream:
            self.stderr.append(line)

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.drain.join(timeout=5)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


class OidcProvider(NodeProcess):
    def __init__(self, tmp: Path, accounts: list[dict[str, Any]]) -> None:
        super().__init__("oidc-idp.mjs", {"clients": [], "accounts": accounts}, tmp)

    def set_client(self, client_id: str, secret: str, redirect_uris: list[str]) -> None:
        response = httpx.put(
            f"{self.url}/_control/clients/{client_id}",
            json={"client_secret": secret, "redirect_uris": redirect_uris},
        )
        assert response.status_code == 204, response.text

    def add_account(self, account: dict[str, Any]) -> None:
        assert httpx.post(f"{self.url}/_control/accounts", json=account).status_code == 204

    def fault(self, **claims: Any) -> None:
        """The next ID token is re-signed by the provider's key with these claims overridden."""
        assert httpx.post(f"{self.url}/_control/fault", json={"id_token_claims": claims}).status_code == 204


def self_signed(common_name: str) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


class SamlProvider(NodeProcess):
    def __init__(self, tmp: Path, accounts: list[dict[str, Any]]) -> None:
        port = free_port()
        key_pem, cert_pem = self_signed("test-idp")
        self.cert_pem = cert_pem
        super().__init__(
            "saml-idp.mjs",
            {
                "entity_id": f"http://127.0.0.1:{port}/metadata",
                "key_pem": key_pem,
                "cert_pem": cert_pem,
                "accounts": accounts,
            },
            tmp,
            port=port,
        )

    def metadata(self) -> str:
        return httpx.get(f"{self.url}/metadata").text

    def add_account(self, account: dict[str, Any]) -> None:
        response = httpx.post(f"{self.url}/_control/accounts", json=account)
        assert response.status_code == 204, response.text

    def register_sp(self, metadata_xml: str) -> None:
        response = httpx.post(f"{self.url}/_control/sp", content=metadata_xml.encode())
        assert response.status_code == 204, response.text


@dataclass
class PostedForm:
    action: str
    fields: dict[str, str]


def parse_form(page: str) -> PostedForm:
    action = re.search(r'<form[^>]*action="([^"]+)"', page)
    assert action is not None, page[:500]
    fields = {
        unescape(m.group(1)): unescape(m.group(2))
        for m in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)
    }
    return PostedForm(unescape(action.group(1)), fields)


class Browser:
    """One person's browser: a cookie jar at Insignia (through the ASGI app) and one at the IdP."""

    def __init__(self, insignia: httpx.AsyncClient) -> None:
        self.insignia = insignia
        self.idp = httpx.AsyncClient(follow_redirects=False, timeout=20)

    async def close(self) -> None:
        await self.idp.aclose()

    async def start(self, login_url: str, **params: str) -> httpx.Response:
        """GET the connection's login URL at Insignia (path of ``login_url``)."""
        return await self.insignia.get(urlsplit(login_url).path, params=params)

    async def follow_idp(self, location: str, limit: int = 10) -> str:
        """Follow the IdP's redirects until they leave the IdP; the URL they point at."""
        for _ in range(limit):
            response = await self.idp.get(location)
            if response.status_code not in (302, 303):
                raise AssertionError(f"IdP answered {response.status_code}: {response.text[:300]}")
            here = urlsplit(str(response.url))
            origin = f"{here.scheme}://{here.netloc}"
            location = response.headers["location"]
            if location.startswith("/"):
                location = origin + location
            if not location.startswith(origin + "/"):
                return location
        raise AssertionError("too many IdP redirects")

    async def insignia_get(self, url: str) -> httpx.Response:
        parts = urlsplit(url)
        return await self.insignia.get(parts.path + (f"?{parts.query}" if parts.query else ""))

    async def oidc_sign_in(self, login_url: str, login_hint: str, **params: str) -> httpx.Response:
        """The whole OIDC round trip; Insignia's answer to the callback."""
        started = await self.start(login_url, login_hint=login_hint, **params)
        assert started.status_code == 302, started.text
        callback = await self.follow_idp(started.headers["location"])
        return await self.insignia_get(callback)

    async def saml_response(self, login_url: str, user: str, sign: str = "both", **params: str) -> PostedForm:
        """Start a SAML sign-in and let the IdP answer; the form it would auto-post to our ACS."""
        started = await self.start(login_url, **params)
        assert started.status_code == 302, started.text
        page = await self.idp.get(started.headers["location"] + "&" + urlencode({"user": user, "sign": sign}))
        assert page.status_code == 200, page.text
        return parse_form(page.text)

    async def post_acs(self, form: PostedForm) -> httpx.Response:
        """What a browser does with the IdP's auto-posted form: post it to our ACS (cross-site, so
        without our cookies), then follow the page that posts it again from our own origin."""
        first = await self.insignia.post(urlsplit(form.action).path, data=form.fields)
        if first.status_code != 200 or "insignia_continue" not in first.text:
            return first
        again = parse_form(first.text)
        return await self.insignia.post(again.action, data=again.fields)


def code_from(location: str) -> str:
    return parse_qs(urlsplit(location).query)["insignia_code"][0]


def decode_saml(form: PostedForm) -> str:
    return base64.b64decode(form.fields["SAMLResponse"]).decode()


def encode_saml(xml: str) -> str:
    return base64.b64encode(xml.encode()).decode()
