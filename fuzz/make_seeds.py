#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target (fuzz/seeds/TARGET/) from the recorded Chromium
captures in tests/fixtures/ (real attestation objects, authenticator data, COSE keys, client
data, signatures and API bodies) and Spruce's SIWE vectors in core/tests/fixtures/siwe/, so
that the fuzzers start from inputs that pass every check.
Run it again when the fixtures change: python3 fuzz/make_seeds.py"""

import base64
import json
import pathlib
import shutil
import struct

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fuzz" / "seeds"
FIXTURES = ["chromium-virtual-authenticator", "chromium-virtual-authenticator-synced"]


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def join(*parts):
    """The framing of baas_fuzz::split: every part but the last prefixed by its u16 BE length."""
    out = b""
    for part in parts[:-1]:
        out += struct.pack(">H", len(part)) + part
    return out + parts[-1]


def cbor_item_end(data, pos):
    """End offset of the definite-length CBOR item at pos (enough for a COSE key)."""
    major, info = data[pos] >> 5, data[pos] & 0x1F
    pos += 1
    if info < 24:
        value = info
    else:
        size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        value = int.from_bytes(data[pos : pos + size], "big")
        pos += size
    if major in (2, 3):
        return pos + value
    if major == 4:
        for _ in range(value):
            pos = cbor_item_end(data, pos)
        return pos
    if major == 5:
        for _ in range(2 * value):
            pos = cbor_item_end(data, pos)
        return pos
    return pos


seeds = {}


def seed(target, name, data):
    seeds.setdefault(target, {})[name] = data if isinstance(data, bytes) else data.encode()


for fixture in FIXTURES:
    directory = ROOT / "tests" / "fixtures" / fixture
    record = json.loads((directory / "registration.json").read_text())
    reg, auth = record["registrationResponse"], record["authenticationResponse"]
    attestation = (directory / "attestation-object.cbor").read_bytes()
    reg_auth_data = b64url(reg["response"]["authenticatorData"])
    id_len = int.from_bytes(reg_auth_data[53:55], "big")
    key_start = 55 + id_len
    cose_key = reg_auth_data[key_start : cbor_item_end(reg_auth_data, key_start)]
    reg_client_data = b64url(reg["response"]["clientDataJSON"])
    auth_client_data = b64url(auth["response"]["clientDataJSON"])
    auth_data = b64url(auth["response"]["authenticatorData"])
    signature = b64url(auth["response"]["signature"])

    seed("attestation_object", fixture, attestation)
    seed("authenticator_data", f"{fixture}-registration", reg_auth_data)
    seed("authenticator_data", f"{fixture}-sign-in", auth_data)
    seed("cose_key", fixture, cose_key)
    seed("client_data", f"{fixture}-create", reg_client_data)
    seed("client_data", f"{fixture}-get", auth_client_data)
    for member in ("clientDataJSON", "attestationObject", "publicKey"):
        seed("base64url", f"{fixture}-{member}", reg["response"][member])
    seed("base64url", f"{fixture}-signature", auth["response"]["signature"])
    seed("registration", fixture, join(reg_client_data, attestation))
    seed("authentication", fixture, join(auth_client_data, auth_data, signature))
    register = json.dumps({"challengeId": "c", "credential": reg})
    login = json.dumps({"challengeId": "c", "credential": auth})
    seed("api_requests", f"{fixture}-register", register)
    seed("api_requests", f"{fixture}-login", login)
    seed("server_router", f"{fixture}-register", b"\x01" + register.encode())
    seed("server_router", f"{fixture}-login", b"\x03" + login.encode())

refresh = json.dumps({"refreshToken": base64.urlsafe_b64encode(bytes(32)).decode().rstrip("=")})
seed("api_requests", "refresh", refresh)
seed("api_requests", "register-options", '{"displayName":"Ada Lovelace"}')
seed("server_router", "register-options", b"\x00" + b'{"displayName":"Ada Lovelace"}')
seed("server_router", "login-options", b"\x02{}")
seed("server_router", "refresh", b"\x04" + refresh.encode())
seed("server_router", "logout", b"\x05" + refresh.encode())
jwt = ".".join(
    base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=")
    for part in ({"alg": "ES256", "kid": "k"}, {"sub": "0x0", "aud": "demo", "exp": 1})
) + ".c2ln"
seed("server_router", "user", b"\x06" + jwt.encode())

# Sign-In with Ethereum: the messages of Spruce's parsing vectors, each with a signature of its
# verification vectors (the signature need not match: recovery runs on any pair).
siwe = ROOT / "core" / "tests" / "fixtures" / "siwe"
messages = json.loads((siwe / "parsing_positive.json").read_text())
signatures = [
    bytes.fromhex(vector["signature"][2:])
    for vector in json.loads((siwe / "verification_positive.json").read_text()).values()
]
for i, (name, vector) in enumerate(sorted(messages.items())):
    slug = "".join(c if c.isalnum() else "-" for c in name)
    seed("siwe", slug, join(vector["message"].encode(), signatures[i % len(signatures)]))

shutil.rmtree(SEEDS, ignore_errors=True)
for target, files in sorted(seeds.items()):
    (SEEDS / target).mkdir(parents=True)
    for name, data in sorted(files.items()):
        (SEEDS / target / name).write_bytes(data)
    print(f"{target}: {len(files)} seeds")
