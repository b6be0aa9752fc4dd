"""Sprig's crypto functions: keys, certificates, AES, bcrypt and Master Password, Helm-compatible.

Keys and certificates are real (``cryptography``) and laid out as Go's ``crypto/x509`` writes
them; ``encryptAES``/``decryptAES`` use Sprig's format (zero-padded 32-byte key, AES-256-CBC,
IV prefix, PKCS#7-style padding, base64) so values round-trip with Helm.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import ipaddress
import secrets
import struct
from typing import Any, ClassVar

import bcrypt as bcrypt_lib
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kts.gotemplate.gotypes import FuncMap, GoError, GoObject, GoPanic, gofunc
from kts.sprig.strval import strval

PrivateKey = rsa.RSAPrivateKey | dsa.DSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey


class Certificate(GoObject):
    """Sprig's ``certificate`` struct: PEM ``Cert`` and ``Key``."""

    go_type = "sprig.certificate"
    go_kind = "struct"
    go_fields: ClassVar[tuple[str, ...]] = ("Cert", "Key")

    def __init__(self, cert: str = "", key: str = "") -> None:
        self.Cert = cert
        self.Key = key

    def go_state(self) -> tuple[str, str]:
        return (self.Cert, self.Key)

    def go_deep_copy(self) -> Certificate:
        return Certificate(self.Cert, self.Key)


# --- hashing and passwords -------------------------------------------------------------------


def _bcrypt(text: str) -> str:
    data = text.encode("utf-8", "surrogateescape")
    if len(data) > 72:
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
    return bcrypt_lib.hashpw(data, bcrypt_lib.gensalt(rounds=10, prefix=b"2a")).decode("ascii")


@gofunc("string", result="string")
def bcrypt(text: str) -> str:
    return _bcrypt(text)


@gofunc("string", "string", result="string")
def htpasswd(username: str, password: str) -> str:
    if ":" in username:
        return f"invalid username: {username}"
    return f"{username}:{_bcrypt(password)}"


_SEED = b"com.lyndir.masterpassword"
_TEMPLATES = {
    "maximum": ["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
    "long": ["CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv",
             "CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc",
             "CvcvCvcvnoCvcc", "CvcvCvcvCvccno", "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno",
             "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc",
             "CvccCvcvCvccno"],
    "medium": ["CvcnoCvc", "CvcCvcno"],
    "short": ["Cvcn"],
    "basic": ["aaanaaan", "aannaaan", "aaannaaa"],
    "pin": ["nnnn"],
}
_CHARS = {
    "V": "AEIOU", "C": "BCDFGHJKLMNPQRSTVWXYZ", "v": "aeiou", "c": "bcdfghjklmnpqrstvwxyz",
    "A": "AEIOUBCDFGHJKLMNPQRSTVWXYZ", "a": "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
    "n": "0123456789", "o": "@&%?,=[]_:-+*$#!'^~;()/.",
    "x": "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
}


@gofunc("uint32", "string", "string", "string", "string", result="string")
def derivePassword(counter: int, password_type: str, password: str, user: str, site: str) -> str:
    """The Master Password algorithm (scrypt key, HMAC-SHA256 seed, template characters)."""
    templates = _TEMPLATES.get(password_type)
    if templates is None:
        return f"cannot find password template {password_type}"
    user_b, site_b = user.encode("utf-8", "surrogateescape"), site.encode("utf-8", "surrogateescape")
    salt = _SEED + struct.pack(">I", len(user_b)) + user_b
    key = hashlib.scrypt(password.encode("utf-8", "surrogateescape"), salt=salt, n=32768, r=8, p=2,
                         dklen=64, maxmem=64 * 1024 * 1024)
    message = _SEED + struct.pack(">I", len(site_b)) + site_b + struct.pack(">I", counter & 0xFFFFFFFF)
    seed = hmac.new(key, message, hashlib.sha256).digest()
    template = templates[seed[0] % len(templates)]
    return "".join(_CHARS[ch][seed[i + 1] % len(_CHARS[ch])] for i, ch in enumerate(template))


# --- keys ------------------------------------------------------------------------------------


def _pem_for_key(key: PrivateKey) -> str:
    """PEM as Sprig writes it: PKCS#1 RSA, SEC1 EC, OpenSSL DSA, PKCS#8 for the rest."""
    if isinstance(key, ed25519.Ed25519PrivateKey):
        fmt = serialization.PrivateFormat.PKCS8
    else:
        fmt = serialization.PrivateFormat.TraditionalOpenSSL
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode("ascii")


@gofunc("string", result="string")
def genPrivateKey(typ: str) -> str:
    key: PrivateKey
    if typ in ("", "rsa"):
        key = rsa.generate_private_key(65537, 4096)
    elif typ == "dsa":
        key = dsa.generate_private_key(2048)
    elif typ == "ecdsa":
        key = ec.generate_private_key(ec.SECP256R1())
    elif typ == "ed25519":
        key = ed25519.Ed25519PrivateKey.generate()
    else:
        return "Unknown type " + typ
    return _pem_for_key(key)


def _get_line(data: bytes) -> tuple[bytes, bytes]:
    i = data.find(b"\n")
    if i < 0:
        i = j = len(data)
    else:
        j = i + 1
        if i > 0 and data[i - 1:i] == b"\r":
            i -= 1
    return data[:i].rstrip(b" \t"), data[j:]


def _pem_decode(data: bytes) -> tuple[str, bytes] | None:
    """The first PEM block (type, DER bytes), found exactly as Go's ``pem.Decode`` finds it."""
    rest = data
    while True:
        if rest.startswith(b"-----BEGIN "):
            rest = rest[len(b"-----BEGIN "):]
        else:
            idx = rest.find(b"\n-----BEGIN ")
            if idx < 0:
                return None
            rest = rest[idx + len(b"\n-----BEGIN "):]
        type_line, rest = _get_line(rest)
        if not type_line.endswith(b"-----"):
            continue
        type_line = type_line[:-5]
        headers = False
        while True:
            if not rest:
                return None
            line, following = _get_line(rest)
            if b":" not in line:
                break
            headers = True
            rest = following
        if not headers and rest.startswith(b"-----END "):
            end, trailer_at = 0, len(b"-----END ")
        else:
            end = rest.find(b"\n-----END ")
            trailer_at = end + len(b"\n-----END ")
        if end < 0:
            continue
        trailer = rest[trailer_at:]
        size = len(type_line) + 5
        if len(trailer) < size:
            continue
        rest_of_line, trailer = trailer[size:], trailer[:size]
        if not trailer.startswith(type_line) or not trailer.endswith(b"-----"):
            continue
        if _get_line(rest_of_line)[0]:
            continue
        body = rest[:end].replace(b" ", b"").replace(b"\t", b"")
        try:
            der = _go_b64decode(body.decode("utf-8", "surrogateescape"))
        except GoError:
            continue
        return type_line.decode("utf-8", "surrogateescape"), der


def parse_private_key_pem(text: str) -> PrivateKey:
    """Sprig's ``parsePrivateKeyPEM``; GoError texts as Sprig words them (ASN.1 details differ)."""
    block = _pem_decode(text.encode("utf-8", "surrogateescape"))
    if block is None:
        raise GoError("no PEM data in input")
    kind, der = block
    if kind == "PRIVATE KEY":
        try:
            key = serialization.load_der_private_key(der, None)
        except (ValueError, TypeError) as exc:
            raise GoError(f"decoding PEM as PKCS#8: {_asn1_message(exc)}") from None
        return key  # type: ignore[return-value]
    if not kind.endswith(" PRIVATE KEY"):
        raise GoError(f"no private key data in PEM block of type {kind}")
    algo = kind[: -len(" PRIVATE KEY")]
    wanted = {"RSA": rsa.RSAPrivateKey, "EC": ec.EllipticCurvePrivateKey, "DSA": dsa.DSAPrivateKey}.get(algo)
    if wanted is None:
        raise GoError(f"invalid private key type {kind}")
    try:
        key = serialization.load_der_private_key(der, None)
        if not isinstance(key, wanted):
            raise ValueError("unexpected key type")
    except (ValueError, TypeError) as exc:
        what = {"RSA": "parsing RSA private key from PEM", "EC": "parsing EC private key from PEM",
                "DSA": "parsing DSA private key from PEM"}[algo]
        raise GoError(f"{what}: {_asn1_message(exc)}") from None
    return key  # type: ignore[return-value]


def _x509_message(exc: Exception) -> str:
    """Go's wording for the usual certificate parse failures (other details differ)."""
    return "x509: malformed tbs certificate" if "tbs_cert" in str(exc) else "x509: malformed certificate"


def _asn1_message(exc: Exception) -> str:
    return "asn1: structure error: " + str(exc).splitlines()[0] if str(exc) else "asn1: syntax error"


# --- certificates ----------------------------------------------------------------------------


def _net_ips(ips: list[Any] | None) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    out: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = []
    for ip in ips or []:
        if not isinstance(ip, str):
            raise GoError(f"error parsing ip: {strval(ip)} is not a string")
        try:
            if "%" in ip:
                raise ValueError(ip)
            addr = ipaddress.ip_address(ip)
        except ValueError:
            raise GoError(f"error parsing ip: {ip}") from None
        if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
            out.append(addr.ipv4_mapped)
        else:
            out.append(addr)
    return out


def _dns_names(names: list[Any] | None) -> list[str]:
    out = []
    for name in names or []:
        if not isinstance(name, str):
            raise GoError(f"error processing alternate dns name: {strval(name)} is not a string")
        out.append(name)
    return out


def _public_key(key: PrivateKey) -> Any:
    return key.public_key()


def _signing(key: PrivateKey) -> tuple[Any, Any]:
    """The signing key and hash Go picks (SHA-256 for RSA/ECDSA P-256; none for Ed25519)."""
    if isinstance(key, dsa.DSAPrivateKey):
        raise GoError("error creating certificate: x509: certificate private key does not implement "
                      "crypto.Signer")
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key, None
    if isinstance(key, ec.EllipticCurvePrivateKey):
        digests = {"secp384r1": hashes.SHA384(), "secp521r1": hashes.SHA512()}
        return key, digests.get(key.curve.name, hashes.SHA256())
    return key, hashes.SHA256()


def _key_id(public_key: Any) -> bytes:
    """Go's generated SubjectKeyId: truncated SHA-256 of the subjectPublicKey bits."""
    spki = public_key.public_bytes(serialization.Encoding.DER,
                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(_spki_bits(spki)).digest()[:20]


def _spki_bits(spki: bytes) -> bytes:
    # SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
    def read(buf: bytes, pos: int) -> tuple[int, int, int]:
        tag = buf[pos]
        length = buf[pos + 1]
        pos += 2
        if length & 0x80:
            n = length & 0x7F
            length = int.from_bytes(buf[pos:pos + n], "big")
            pos += n
        return tag, pos, length

    _, pos, _ = read(spki, 0)
    _, alg_pos, alg_len = read(spki, pos)
    _, bit_pos, bit_len = read(spki, alg_pos + alg_len)
    return spki[bit_pos + 1: bit_pos + bit_len]


def _create(cn: str, ips: list[Any] | None, dns: list[Any] | None, days: int, key: PrivateKey,
            is_ca: bool, issuer: x509.Certificate | None, issuer_key: PrivateKey | None) -> Certificate:
    addresses = _net_ips(ips)
    names = _dns_names(dns)
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    subject = x509.Name([_common_name(cn)] if cn else [])
    if isinstance(key, dsa.DSAPrivateKey) and issuer is not None:
        raise GoError("error creating certificate: x509: unsupported public key type: *dsa.PublicKey")
    signer, digest = _signing(issuer_key if issuer_key is not None else key)
    public = _public_key(key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer is not None else subject)
        .public_key(public)
        .serial_number(secrets.randbelow(2**128 - 1) + 1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=is_ca,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                              ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    if is_ca:
        builder = builder.add_extension(x509.SubjectKeyIdentifier(_key_id(public)), critical=False)
    if issuer is not None and issuer.subject != subject:
        try:
            ski = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier(ski, None, None), critical=False)
        except x509.ExtensionNotFound:
            pass
    if addresses or names:
        sans: list[x509.GeneralName] = [x509.DNSName(n) for n in names]
        sans += [x509.IPAddress(a) for a in addresses]
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=not cn)
    try:
        cert = builder.sign(signer, digest)
    except (ValueError, TypeError) as exc:
        raise GoError(f"error creating certificate: {exc}") from None
    return Certificate(cert.public_bytes(serialization.Encoding.PEM).decode("ascii"), _pem_for_key(key))


_PRINTABLE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?")


def _common_name(cn: str) -> x509.NameAttribute:
    """The CN as Go's asn1 encodes a string: PrintableString when it can, else UTF8String."""
    kind = _ASN1Type.PrintableString if set(cn) <= _PRINTABLE else _ASN1Type.UTF8String
    return x509.NameAttribute(NameOID.COMMON_NAME, cn, _type=kind)


def _new_rsa() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(65537, 2048)


def _parse_key(text: str) -> PrivateKey:
    try:
        return parse_private_key_pem(text)
    except GoError as exc:
        raise GoError(f"parsing private key: {exc}") from None


@gofunc("string", "int", result="sprig.certificate", error=True)
def genCA(cn: str, days: int) -> Certificate:
    return _create(cn, None, None, days, _new_rsa(), True, None, None)


@gofunc("string", "int", "string", result="sprig.certificate", error=True)
def genCAWithKey(cn: str, days: int, key: str) -> Certificate:
    return _create(cn, None, None, days, _parse_key(key), True, None, None)


_IFACES = "[]interface {}"


@gofunc("string", _IFACES, _IFACES, "int", result="sprig.certificate", error=True)
def genSelfSignedCert(cn: str, ips: list[Any] | None, dns: list[Any] | None, days: int) -> Certificate:
    return _create(cn, ips, dns, days, _new_rsa(), False, None, None)


@gofunc("string", _IFACES, _IFACES, "int", "string", result="sprig.certificate", error=True)
def genSelfSignedCertWithKey(cn: str, ips: list[Any] | None, dns: list[Any] | None, days: int,
                             key: str) -> Certificate:
    return _create(cn, ips, dns, days, _parse_key(key), False, None, None)


def _signed(cn: str, ips: list[Any] | None, dns: list[Any] | None, days: int, ca: Certificate,
            key: PrivateKey | None) -> Certificate:
    block = _pem_decode(ca.Cert.encode("utf-8", "surrogateescape"))
    if block is None:
        raise GoError("unable to decode certificate")
    try:
        issuer = x509.load_der_x509_certificate(block[1])
    except ValueError as exc:
        raise GoError(f"error parsing certificate: decodedSignerCert.Bytes: {_x509_message(exc)}") from None
    try:
        issuer_key = parse_private_key_pem(ca.Key)
    except GoError as exc:
        raise GoError(f"error parsing private key: {exc}") from None
    return _create(cn, ips, dns, days, key if key is not None else _new_rsa(), False, issuer, issuer_key)


@gofunc("string", _IFACES, _IFACES, "int", "sprig.certificate", result="sprig.certificate", error=True)
def genSignedCert(cn: str, ips: list[Any] | None, dns: list[Any] | None, days: int,
                  ca: Certificate) -> Certificate:
    return _signed(cn, ips, dns, days, ca, None)


@gofunc("string", _IFACES, _IFACES, "int", "sprig.certificate", "string", result="sprig.certificate",
        error=True)
def genSignedCertWithKey(cn: str, ips: list[Any] | None, dns: list[Any] | None, days: int, ca: Certificate,
                         key: str) -> Certificate:
    return _signed(cn, ips, dns, days, ca, _parse_key(key))


_B64 = {c: i for i, c in enumerate(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def _corrupt(offset: int) -> GoError:
    return GoError(f"illegal base64 data at input byte {offset}")


def _go_b64decode(text: str) -> bytes:
    """Go ``base64.StdEncoding.DecodeString``: newlines skipped, strict padding, Go's error offsets."""
    src = text.encode("utf-8", "surrogateescape")
    out = bytearray()
    si, n = 0, len(src)

    def skip_newlines(i: int) -> int:
        while i < n and src[i] in b"\r\n":
            i += 1
        return i

    while True:
        quantum: list[int] = []
        while len(quantum) < 4:
            if si == n:
                if not quantum:
                    return bytes(out)
                raise _corrupt(si - len(quantum))
            c = src[si]
            si += 1
            if c in b"\r\n":
                continue
            if c in _B64:
                quantum.append(_B64[c])
                continue
            if c != ord("="):
                raise _corrupt(si - 1)
            j = len(quantum)
            if j < 2:
                raise _corrupt(si - 1)
            if j == 2:
                si = skip_newlines(si)
                if si == n:
                    raise _corrupt(n)
                if src[si] != ord("="):
                    raise _corrupt(si - 1)
                si += 1
            si = skip_newlines(si)
            if si < n:
                raise _corrupt(si)
            value = 0
            for q in quantum + [0] * (4 - j):
                value = value << 6 | q
            out += value.to_bytes(3, "big")[: j - 1]
            return bytes(out)
        value = 0
        for q in quantum:
            value = value << 6 | q
        out += value.to_bytes(3, "big")


@gofunc("string", "string", result="sprig.certificate", error=True)
def buildCustomCert(b64cert: str, b64key: str) -> Certificate:
    try:
        cert = _go_b64decode(b64cert)
    except GoError:
        raise GoError("unable to decode base64 certificate") from None
    try:
        key = _go_b64decode(b64key)
    except GoError:
        raise GoError("unable to decode base64 private key") from None
    block = _pem_decode(cert)
    if block is None:
        raise GoError("unable to decode certificate")
    try:
        x509.load_der_x509_certificate(block[1])
    except ValueError as exc:
        raise GoError(f"error parsing certificate: decodedCert.Bytes: {_x509_message(exc)}") from None
    try:
        parse_private_key_pem(key.decode("utf-8", "surrogateescape"))
    except GoError as exc:
        raise GoError(f"error parsing private key: {exc}") from None
    return Certificate(cert.decode("utf-8", "surrogateescape"), key.decode("utf-8", "surrogateescape"))


# --- AES -------------------------------------------------------------------------------------


def _aes_key(password: str) -> bytes:
    return password.encode("utf-8", "surrogateescape")[:32].ljust(32, b"\0")


@gofunc("string", "string", result="string", error=True)
def encryptAES(password: str, plaintext: str) -> str:
    if plaintext == "":
        return ""
    content = plaintext.encode("utf-8", "surrogateescape")
    padding = 16 - len(content) % 16
    content += bytes([padding]) * padding
    iv = secrets.token_bytes(16)
    encryptor = Cipher(algorithms.AES(_aes_key(password)), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + encryptor.update(content) + encryptor.finalize()).decode("ascii")


@gofunc("string", "string", result="string", error=True)
def decryptAES(password: str, crypt64: str) -> str:
    if crypt64 == "":
        return ""
    crypt = _go_b64decode(crypt64)
    if len(crypt) < 16:
        capacity = len(crypt64.encode("utf-8", "surrogateescape")) // 4 * 3
        raise GoPanic(f"runtime error: slice bounds out of range [:16] with capacity {capacity}")
    iv, body = crypt[:16], crypt[16:]
    if len(body) % 16:
        raise GoPanic("crypto/cipher: input not full blocks")
    if not body:
        raise GoPanic("runtime error: index out of range [-1]")
    decryptor = Cipher(algorithms.AES(_aes_key(password)), modes.CBC(iv)).decryptor()
    plain = decryptor.update(body) + decryptor.finalize()
    end = len(plain) - plain[-1]
    if end < 0:
        raise GoPanic(f"runtime error: slice bounds out of range [:{end}]")
    return plain[:end].decode("utf-8", "surrogateescape")


FUNCS: FuncMap = {
    "bcrypt": bcrypt,
    "htpasswd": htpasswd,
    "derivePassword": derivePassword,
    "genPrivateKey": genPrivateKey,
    "buildCustomCert": buildCustomCert,
    "genCA": genCA,
    "genCAWithKey": genCAWithKey,
    "genSelfSignedCert": genSelfSignedCert,
    "genSelfSignedCertWithKey": genSelfSignedCertWithKey,
    "genSignedCert": genSignedCert,
    "genSignedCertWithKey": genSignedCertWithKey,
    "encryptAES": encryptAES,
    "decryptAES": decryptAES,
}
