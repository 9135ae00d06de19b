"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C VC Data Integrity EdDSA Cryptosuites
v1.0, section 3.3), and the `did:key` identifiers of Ed25519 keys, so a credential verifies anywhere
without a network: the key is in the issuer's identifier and every JSON-LD context is in the repository.

Canonicalisation is RDFC-1.0 (URDNA2015 in pyld). The document loader serves only the contexts vendored
in lms/data/jsonld-contexts/ and refuses any other address: nothing is fetched at run time."""

import base64
import binascii
import datetime
import hashlib
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from pyld import jsonld

CONTEXTS_DIR = Path(__file__).resolve().parent / "data" / "jsonld-contexts"
# The only documents the loader hands out (see CONTEXTS_DIR/README.md for their sources and licences).
CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
}
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
# Multicodec prefixes (varint) of an Ed25519 public key and private key (Multikey, did:key).
ED25519_PUB_PREFIX = b"\xed\x01"
ED25519_PRIV_PREFIX = b"\x80\x26"
_BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class ProofError(ValueError):
    """A proof that is missing, malformed, made with another suite or key, or does not match."""


# --- base58btc / multibase -------------------------------------------------------------------------


def base58btc_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, rest = divmod(number, 58)
        digits.append(_BASE58_ALPHABET[rest])
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zeros + "".join(reversed(digits))


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = _BASE58_ALPHABET.find(char)
        if index < 0:
            raise ValueError(f"Not a base58btc character: {char!r}")
        number = number * 58 + index
    leading_zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading_zeros + body


def multibase_decode(text: str) -> bytes:
    """A base58btc multibase string ("z…")."""
    if not text.startswith("z"):
        raise ValueError("Only base58btc multibase values (starting with “z”) are supported.")
    return base58btc_decode(text[1:])


# --- Keys and did:key ---------------------------------------------------------------------------------


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + base58btc_encode(ED25519_PUB_PREFIX + raw)


def did_key(public_key: Ed25519PublicKey) -> str:
    return f"did:key:{public_key_multibase(public_key)}"


def verification_method(public_key: Ed25519PublicKey) -> str:
    """did:key:z6Mk…#z6Mk…, the key's one verification method."""
    fingerprint = public_key_multibase(public_key)
    return f"did:key:{fingerprint}#{fingerprint}"


def public_key_from_verification_method(method: str) -> Ed25519PublicKey:
    """The Ed25519 key a did:key verification method names (no resolution: the key is the identifier)."""
    did, _, fragment = method.partition("#")
    if not did.startswith("did:key:"):
        raise ProofError("Only did:key verification methods are supported.")
    fingerprint = did.removeprefix("did:key:")
    if fragment and fragment != fingerprint:
        raise ProofError("The verification method's fragment is not the key's fingerprint.")
    try:
        decoded = multibase_decode(fingerprint)
    except ValueError as error:
        raise ProofError(str(error)) from error
    if not decoded.startswith(ED25519_PUB_PREFIX) or len(decoded) != 34:
        raise ProofError("The did:key is not an Ed25519 public key.")
    return Ed25519PublicKey.from_public_bytes(decoded[2:])


def private_key_multibase(private_key: Ed25519PrivateKey) -> str:
    """The secret seed as a Multikey `secretKeyMultibase` ("z3u2…"): the form of the environment variable."""
    seed = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return "z" + base58btc_encode(ED25519_PRIV_PREFIX + seed)


def private_key_from_text(text: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from a Multikey `secretKeyMultibase` ("z3u2…") or a base64 32-byte seed."""
    text = text.strip()
    seed: bytes | None = None
    if text.startswith("z"):
        try:
            decoded = multibase_decode(text)
        except ValueError:
            decoded = b""
        if decoded.startswith(ED25519_PRIV_PREFIX) and len(decoded) == 34:
            seed = decoded[2:]
    if seed is None:
        try:
            seed = base64.urlsafe_b64decode(text.replace("+", "-").replace("/", "_") + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            seed = b""
    if len(seed) != 32:
        raise ValueError(
            "The signing key must be a Multikey secretKeyMultibase (z3u2…) or a base64 32-byte Ed25519 seed."
        )
    return Ed25519PrivateKey.from_private_bytes(seed)


# --- JSON-LD ------------------------------------------------------------------------------------------


@cache
def _context_document(url: str) -> str:
    return (CONTEXTS_DIR / CONTEXT_FILES[url]).read_text(encoding="utf-8")


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Serve the vendored contexts; refuse every other address (no network at run time)."""
    if url not in CONTEXT_FILES:
        raise jsonld.JsonLdError(
            f"The context {url} is not vendored in lms/data/jsonld-contexts/.",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(_context_document(url))}


def canonicalize(document: Mapping[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document."""
    return str(
        jsonld.normalize(
            dict(document),
            {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": document_loader},
        )
    )


def _hash_data(document: Mapping[str, Any], proof_config: Mapping[str, Any]) -> bytes:
    """hashData of the suite: SHA-256 of the canonical proof configuration, then of the document."""
    config_hash = hashlib.sha256(canonicalize(proof_config).encode("utf-8")).digest()
    document_hash = hashlib.sha256(canonicalize(document).encode("utf-8")).digest()
    return config_hash + document_hash


# --- Proofs -------------------------------------------------------------------------------------------


def xsd_datetime(moment: datetime.datetime) -> str:
    """UTC, to the second, with a Z: the dateTimeStamp form the specifications use."""
    return moment.astimezone(datetime.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(
    document: Mapping[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    created: datetime.datetime,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """The document with an `eddsa-rdfc-2022` DataIntegrityProof added (the document is not changed)."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": xsd_datetime(created),
        "verificationMethod": verification_method(private_key.public_key()),
        "proofPurpose": proof_purpose,
    }
    proof_config = {"@context": unsecured["@context"], **proof}
    signature = private_key.sign(_hash_data(unsecured, proof_config))
    proof["proofValue"] = "z" + base58btc_encode(signature)
    return {**unsecured, "proof": proof}


def verify(document: Mapping[str, Any], *, expected_purpose: str = "assertionMethod") -> str:
    """Check the document's `eddsa-rdfc-2022` proof; return the signer's did:key, or raise ProofError."""
    proof = document.get("proof")
    if not isinstance(proof, Mapping):
        raise ProofError("The document has no proof.")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"The proof is not a {PROOF_TYPE} with the {CRYPTOSUITE} cryptosuite.")
    if proof.get("proofPurpose") != expected_purpose:
        raise ProofError(f"The proof's purpose is not {expected_purpose}.")
    public_key = public_key_from_verification_method(str(proof.get("verificationMethod", "")))
    try:
        signature = multibase_decode(str(proof.get("proofValue", "")))
    except ValueError as error:
        raise ProofError(str(error)) from error
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    proof_config = {
        "@context": unsecured.get("@context"),
        **{key: value for key, value in proof.items() if key != "proofValue"},
    }
    try:
        public_key.verify(signature, _hash_data(unsecured, proof_config))
    except InvalidSignature as error:
        raise ProofError("The signature does not match the document.") from error
    return did_key(public_key)
