"""Ticket codes: what a holder shows at the door, a compact JWS (Ed25519, through joserfc)
over the ticket's id, its holder and its code version. A change of holder moves the version,
so a code taken before it no longer admits anyone.

The signing keys are a JSON Web Key Set of Ed25519 private keys (``TICKET_CODE_KEYS``, a
Secret in the chart): the last key signs, every key verifies, and the public halves are
published at ``/api/tickets/.well-known/jwks.json`` so that anyone can check a code. Rotation
with an overlap: add a new key at the end (it signs from then on, the old one still verifies
codes issued before), and remove the old one once those codes have been re-issued or used.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

import msgspec
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OKPKey

ALGORITHM = "Ed25519"  # RFC 9864's name for EdDSA over Ed25519


class CodeRefused(ValueError):
    """Not a code of ours: malformed, or not signed by one of our keys."""


class Claims(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What a code says: ticket ``t``, held by ``h``, at code version ``v`` (short names keep
    the QR code small)."""

    t: str
    h: str
    v: int


@dataclass(frozen=True)
class CodeKeys:
    keys: KeySet

    @classmethod
    def from_json(cls, key_set: str) -> CodeKeys:
        """The key set from its JSON (``{"keys": [...]}``, private Ed25519 keys, each with a
        ``kid``); ValueError naming what is wrong."""
        try:
            keys = KeySet.import_key_set(msgspec.json.decode(key_set))
        except (msgspec.DecodeError, JoseError, ValueError, TypeError, KeyError) as exc:
            raise ValueError(f"not a JSON Web Key Set: {exc}") from None
        if not keys.keys:
            raise ValueError("the key set holds no key")
        for key in keys.keys:
            if not isinstance(key, OKPKey) or key.curve_name != "Ed25519":
                raise ValueError("every key must be an Ed25519 (OKP) key")
            if not key.kid or not key.is_private:
                raise ValueError("every key must be a private key with a kid")
        return cls(keys)

    @staticmethod
    def generate(kid: str) -> str:
        """A new key set of one key, as JSON: for a new deployment or a rotation's new key."""
        key = OKPKey.generate_key("Ed25519", parameters={"kid": kid})
        return msgspec.json.encode({"keys": [key.as_dict(private=True)]}).decode()

    def issue(self, claims: Claims) -> str:
        signer = self.keys.keys[-1]
        header = {"alg": ALGORITHM, "kid": signer.kid}
        return jws.serialize_compact(
            header, msgspec.json.encode(claims), signer, algorithms=[ALGORITHM]
        )

    def verify(self, code: str) -> Claims:
        try:
            verified = jws.deserialize_compact(code.strip(), self.keys, algorithms=[ALGORITHM])
            return msgspec.json.decode(verified.payload, type=Claims)
        except (JoseError, msgspec.DecodeError, ValueError) as exc:
            raise CodeRefused(f"not a ticket code of ours ({type(exc).__name__})") from None

    def published(self) -> dict[str, Any]:
        """The public keys, as a JWKS document."""
        return {"keys": [key.as_dict(private=False) for key in self.keys.keys]}


def main() -> None:
    """Print a new key set of one key (``code-keys <kid>``): TICKET_CODE_KEYS for a new
    deployment, or the key to append to it for a rotation."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("kid", help="the key's id, e.g. the month it starts signing: 2027-01")
    print(CodeKeys.generate(parser.parse_args().kid))


if __name__ == "__main__":
    main()
