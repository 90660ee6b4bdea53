"""The registry's Ed25519 signing key: from SIGNING_KEY (PEM, PKCS#8) or made on first start
into the instance folder, like the secret key; and its public half as readers verify with."""

import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

SIGNING_KEY_FILE = "signing-key.pem"


def new_private_pem() -> str:
    """A new Ed25519 private key as unencrypted PKCS#8 PEM."""
    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode("ascii")
    )


def load_private_pem(text: str) -> Ed25519PrivateKey:
    """The Ed25519 private key of a PKCS#8 PEM text. Raises ValueError if it is not one."""
    try:
        key = serialization.load_pem_private_key(text.strip().encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError) as error:
        raise ValueError("not an unencrypted PKCS#8 PEM private key") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 key")
    return key


def private_key() -> Ed25519PrivateKey:
    """The application's signing key (read once per application)."""
    cached = current_app.extensions.get("signing_key")
    if cached is None:
        cached = load_private_pem(current_app.config["SIGNING_KEY"])
        current_app.extensions["signing_key"] = cached
    return cached


def public_pem(key: Ed25519PublicKey) -> str:
    """The public key as SubjectPublicKeyInfo PEM, as `openssl pkeyutl -pubin` reads it."""
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def fingerprint(key: Ed25519PublicKey) -> str:
    """The SHA-256 of the public key's SubjectPublicKeyInfo in DER, in hex."""
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()
