"""Sprig crypto functions: deterministic ones against Helm, generated material by its properties
and by interoperating with Helm in both directions."""

from __future__ import annotations

import base64
import datetime
import json

import bcrypt as bcrypt_lib
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, padding, rsa

from kts.sprig import crypto, lists
from tests.sprig.sprig_oracle import compare, helm_eval

FUNCS = {**crypto.FUNCS, **lists.FUNCS}
q = json.dumps


@pytest.mark.slow
def test_derive_password_matches_helm(tmp_path):
    exprs = ['derivePassword 1 "long" "password" "user" "example.com"',
             'derivePassword 2 "maximum" "pässword" "üser" "site"', 'derivePassword 0 "pin" "" "" ""',
             'derivePassword 1 "nope" "p" "u" "s"',
             'htpasswd "a:b" "x"', 'genPrivateKey "foo"', 'genPrivateKey "RSA"']
    assert compare(tmp_path, FUNCS, exprs) == []


def test_decrypt_aes_errors_match_helm(tmp_path):
    bad = ["abc", "YWJj", "MTIzNDU2Nzg5MDEyMzQ1Ng==", "MTIzNDU2Nzg5MDEyMzQ1NjEyMzQ1Njc4OTAxMjM0NTY3",
           "MTIzNDU2Nzg5MDEyMzQ1NjEyMzQ1Njc4OTAxMjM0NTY=", "YWJ", "YW==", "Y===", "YWJjZA=", "YW=j",
           "YWJj\nZGVm", "YWJjZGVmZ", "=", "YWJjZA==YWJj", "YWJ jZGVm", ""]
    assert compare(tmp_path, FUNCS, [f'decryptAES "k" {q(b)}' for b in bad]) == []


SECRETS = ["hello", "", "exactly16bytes!!", "ünïcødé ✓ text\nwith newline", "x" * 100]
PASSWORDS = ["pw", "", "a-password-longer-than-thirty-two-bytes!", "päss"]


def test_aes_round_trips_with_helm(tmp_path):
    cases = [(pw, text) for pw in PASSWORDS for text in SECRETS]
    # Helm encrypts, kts decrypts.
    helm_cipher = helm_eval(tmp_path / "enc", [f"encryptAES {q(pw)} {q(text)}" for pw, text in cases])
    assert [crypto.decryptAES.fn(pw, c) for (pw, _), c in zip(cases, helm_cipher, strict=True)] == \
        [text for _, text in cases]
    # kts encrypts, Helm decrypts.
    ours = [crypto.encryptAES.fn(pw, text) for pw, text in cases]
    back = helm_eval(tmp_path / "dec", [f"decryptAES {q(pw)} {q(c)}" for (pw, _), c in zip(cases, ours,
                                                                                          strict=True)])
    assert back == [text for _, text in cases]
    assert ours[0] != crypto.encryptAES.fn(*cases[0])  # random IV


@pytest.mark.slow
def test_bcrypt_and_htpasswd_interoperate(tmp_path):
    helm_hash, helm_htpasswd = helm_eval(tmp_path, ['bcrypt "s3cret"', 'htpasswd "admin" "s3cret"'])
    ours = crypto.bcrypt.fn("s3cret")
    user, _, our_pw_hash = crypto.htpasswd.fn("admin", "s3cret").partition(":")
    assert user == "admin" and helm_htpasswd.startswith("admin:")
    for h in (helm_hash, ours, our_pw_hash, helm_htpasswd.split(":", 1)[1]):
        assert h[:7] == "$2a$10$" and bcrypt_lib.checkpw(b"s3cret", h.encode())
    assert not bcrypt_lib.checkpw(b"other", ours.encode())
    assert crypto.bcrypt.fn("x" * 73) == helm_eval(tmp_path / "long", [f'bcrypt {q("x" * 73)}'])[0]


@pytest.mark.slow
def test_private_keys_interoperate_with_helm(tmp_path):
    # Helm makes the fast key types itself; RSA keys in Sprig's format come from genCA.
    helm_keys = helm_eval(tmp_path / "gen", ['genPrivateKey "ecdsa"', 'genPrivateKey "ed25519"',
                                             '(genCA "x" 1).Key'])
    ours = {kind: crypto.genPrivateKey.fn(kind) for kind in ("ecdsa", "ed25519", "dsa")}
    ours["rsa"] = crypto.genCA.fn("x", 1).Key
    for theirs, mine in zip(helm_keys, [ours["ecdsa"], ours["ed25519"], ours["rsa"]], strict=True):
        assert mine.splitlines()[0] == theirs.splitlines()[0] and mine.endswith("-----\n")
        assert all(len(line) <= 64 for line in mine.splitlines())
        assert type(serialization.load_pem_private_key(mine.encode(), None)).__name__ == \
            type(serialization.load_pem_private_key(theirs.encode(), None)).__name__
    assert isinstance(serialization.load_pem_private_key(ours["dsa"].encode(), None), dsa.DSAPrivateKey)
    assert serialization.load_pem_private_key(ours["ecdsa"].encode(), None).curve.name == "secp256r1"
    # Helm parses every kts key (DSA keys parse, then cannot sign), and kts parses Helm's.
    kinds = ("ecdsa", "ed25519", "rsa")
    templates = [f'(genSelfSignedCertWithKey "k" nil nil 1 {q(ours[k])}).Key' for k in kinds]
    assert helm_eval(tmp_path / "use", templates) == [ours["ecdsa"], ours["ed25519"], ours["rsa"]]
    assert compare(tmp_path / "dsa", FUNCS, [f'genCAWithKey "k" 1 {q(ours["dsa"])}']) == []
    for pem in helm_keys:
        assert crypto.genSelfSignedCertWithKey.fn("k", None, None, 1, pem).Key == pem


@pytest.mark.slow
def test_gen_private_key_sizes(monkeypatch):
    sizes = []
    real = rsa.generate_private_key
    monkeypatch.setattr(rsa, "generate_private_key",
                        lambda e, size: sizes.append(size) or real(e, 1024))
    for kind in ("", "rsa"):
        assert crypto.genPrivateKey.fn(kind).startswith("-----BEGIN RSA PRIVATE KEY-----\n")
    assert sizes == [4096, 4096]
    pem = crypto.genPrivateKey.fn("dsa")
    assert pem.startswith("-----BEGIN DSA PRIVATE KEY-----\n")
    key = serialization.load_pem_private_key(pem.encode(), None)
    assert key.key_size == 2048 and key.parameters().parameter_numbers().q.bit_length() == 256


def _shape(pem: str) -> dict:
    cert = x509.load_pem_x509_certificate(pem.encode())
    exts = {e.oid.dotted_string: e.critical for e in cert.extensions}
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    return {"version": cert.version, "sig": cert.signature_algorithm_oid.dotted_string, "exts": exts,
            "ku": (ku.digital_signature, ku.key_encipherment, ku.key_cert_sign), "ca": bc.ca,
            "subject": cert.subject.rfc4514_string(), "issuer": cert.issuer.rfc4514_string(),
            "string_types": [a._type.name for a in cert.subject],
            "days": (cert.not_valid_after_utc - cert.not_valid_before_utc).days,
            "eku": [o.dotted_string for o in eku],
            "serial_bits": cert.serial_number.bit_length() <= 128}


def _sans(pem: str) -> tuple[list, list]:
    cert = x509.load_pem_x509_certificate(pem.encode())
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [], []
    return san.get_values_for_type(x509.DNSName), [str(a) for a in san.get_values_for_type(x509.IPAddress)]


def _verify(child_pem: str, parent_pem: str) -> None:
    child = x509.load_pem_x509_certificate(child_pem.encode())
    parent = x509.load_pem_x509_certificate(parent_pem.encode())
    assert child.issuer == parent.subject
    key = parent.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        key.verify(child.signature, child.tbs_certificate_bytes, padding.PKCS1v15(),
                   child.signature_hash_algorithm)
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(child.signature, child.tbs_certificate_bytes, ec.ECDSA(child.signature_hash_algorithm))
    else:
        key.verify(child.signature, child.tbs_certificate_bytes)
    aki = child.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
    ski = parent.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    assert aki == ski


CERT_TEMPLATES = [
    '{{ $ca := genCA "my-ca" 365 }}{{ $ca.Cert }}',
    '{{ $c := genSelfSignedCert "svc.ns" (list "10.0.0.1" "::1") (list "svc" "svc.ns.svc") 30 }}'
    '{{ $c.Cert }}',
    '{{ $ca := genCA "ca" 10 }}'
    '{{ $c := genSignedCert "leaf" (list "192.168.1.1") (list "leaf.local") 7 $ca }}'
    '{{ $c.Cert }}@@{{ $ca.Cert }}',
    '{{ $k := genPrivateKey "ecdsa" }}{{ $ca := genCAWithKey "eca" 5 $k }}{{ $ca.Cert }}',
    '{{ $k := genPrivateKey "ed25519" }}{{ (genSelfSignedCertWithKey "ed" nil nil 2 $k).Cert }}',
    '{{ $ca := genCA "ca" 10 }}{{ $k := genPrivateKey "ecdsa" }}'
    '{{ (genSignedCertWithKey "leaf2" nil (list "x") 3 $ca $k).Cert }}@@{{ $ca.Cert }}',
    '{{ (genSelfSignedCert "" nil (list "only.san") 1).Cert }}',
    '{{ (genSelfSignedCert "*.wild.example" nil nil 1).Cert }}',
]


def _ours() -> list[str]:
    ca = crypto.genCA.fn("my-ca", 365)
    self_signed = crypto.genSelfSignedCert.fn("svc.ns", ["10.0.0.1", "::1"], ["svc", "svc.ns.svc"], 30)
    ca2 = crypto.genCA.fn("ca", 10)
    leaf = crypto.genSignedCert.fn("leaf", ["192.168.1.1"], ["leaf.local"], 7, ca2)
    eca = crypto.genCAWithKey.fn("eca", 5, crypto.genPrivateKey.fn("ecdsa"))
    ed = crypto.genSelfSignedCertWithKey.fn("ed", None, None, 2, crypto.genPrivateKey.fn("ed25519"))
    leaf2 = crypto.genSignedCertWithKey.fn("leaf2", None, ["x"], 3, ca2, crypto.genPrivateKey.fn("ecdsa"))
    san_only = crypto.genSelfSignedCert.fn("", None, ["only.san"], 1)
    wild = crypto.genSelfSignedCert.fn("*.wild.example", None, None, 1)
    return [ca.Cert, self_signed.Cert, leaf.Cert + "@@" + ca2.Cert, eca.Cert, ed.Cert,
            leaf2.Cert + "@@" + ca2.Cert, san_only.Cert, wild.Cert]


@pytest.mark.slow
def test_certificates_have_helms_shape_and_verify(tmp_path):
    helm = helm_eval(tmp_path, CERT_TEMPLATES)
    for theirs, mine in zip(helm, _ours(), strict=True):
        t_leaf, _, t_parent = theirs.partition("@@")
        m_leaf, _, m_parent = mine.partition("@@")
        assert _shape(m_leaf) == _shape(t_leaf)
        assert _sans(m_leaf) == _sans(t_leaf)
        if m_parent:
            _verify(m_leaf, m_parent)
            _verify(t_leaf, t_parent)


def test_certificate_validity_and_keys():
    cert = crypto.genSelfSignedCert.fn("x", None, None, 3)
    parsed = x509.load_pem_x509_certificate(cert.Cert.encode())
    now = datetime.datetime.now(datetime.UTC)
    assert abs((parsed.not_valid_before_utc - now).total_seconds()) < 60
    assert parsed.not_valid_after_utc - parsed.not_valid_before_utc == datetime.timedelta(days=3)
    key = serialization.load_pem_private_key(cert.Key.encode(), None)
    assert key.public_key().public_numbers() == parsed.public_key().public_numbers()
    assert cert.Key.startswith("-----BEGIN RSA PRIVATE KEY-----") and key.key_size == 2048


@pytest.mark.slow
def test_build_custom_cert_matches_helm(tmp_path):
    ca = crypto.genCA.fn("custom", 3)
    b64c, b64k = base64.b64encode(ca.Cert.encode()).decode(), base64.b64encode(ca.Key.encode()).decode()
    ok = helm_eval(tmp_path / "ok", [f"(buildCustomCert {q(b64c)} {q(b64k)}).Cert",
                                     f"(buildCustomCert {q(b64c)} {q(b64k)}).Key"])
    built = crypto.buildCustomCert.fn(b64c, b64k)
    assert ok == [built.Cert, built.Key]
    bad_key = base64.b64encode(b"-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n").decode()
    exprs = ['buildCustomCert "!!" "x"', 'buildCustomCert "eHl6" "!!"', 'buildCustomCert "eHl6" "eHl6"',
             f'buildCustomCert {q(b64c)} "eHl6"', f"buildCustomCert {q(b64c)} {q(bad_key)}",
             'genCAWithKey "x" 3 "junk"',
             'genCAWithKey "x" 3 "-----BEGIN FOO-----\\nAAAA\\n-----END FOO-----\\n"',
             'genCAWithKey "x" 3 "-----BEGIN XX PRIVATE KEY-----\\nAAAA\\n-----END XX PRIVATE KEY-----\\n"',
             'genSelfSignedCert "x" (list 1) nil 3', 'genSelfSignedCert "x" (list "1.2.3.04") nil 3',
             'genSelfSignedCert "x" (list "fe80::1%eth0") nil 3', 'genSelfSignedCert "x" nil (list 2.5) 3']
    assert compare(tmp_path / "bad", FUNCS, exprs) == []


TEMPLATE_LINES = [
    '{{ derivePassword 1 "long" "password" "user" "example.com" }}',
    '{{ decryptAES "secret" (encryptAES "secret" "round trip") }} {{ encryptAES "k" "" | quote }}',
    '{{ $ca := genCA "ca" 1 }}{{ typeOf $ca }} {{ kindOf $ca }}'
    ' {{ hasPrefix "-----BEGIN CERTIFICATE-----" $ca.Cert }}',
    '{{ $c := genSelfSignedCert "x" nil nil 1 }}{{ $c.Key | hasPrefix "-----BEGIN RSA PRIVATE KEY-----" }}',
    '{{ $c := genCA "x" 1 }}{{ $b := buildCustomCert ($c.Cert | b64enc) ($c.Key | b64enc) }}'
    '{{ eq $b.Cert $c.Cert }}',
    '{{ decryptAES "k" "abc" }}',
    '{{ genCAWithKey "x" 3 "junk" }}',
    '{{ genSignedCert "x" nil nil 1 (genCA "a" 1) | typeOf }}',
    '{{ buildCustomCert "!!" "x" }}',
    '{{ genSelfSignedCert "x" (list 1) nil 3 }}',
]


@pytest.mark.slow
def test_crypto_in_templates_match_helm(tmp_path):
    from tests.sprig.sprig_oracle import template_mismatches

    assert template_mismatches(tmp_path, TEMPLATE_LINES) == []


@pytest.mark.slow
def test_certificate_struct_prints_like_helm(tmp_path):
    from tests.sprig.sprig_oracle import template_mismatches

    ca = crypto.genCAWithKey.fn("x", 1, crypto.genPrivateKey.fn("ecdsa"))
    c, k = base64.b64encode(ca.Cert.encode()).decode(), base64.b64encode(ca.Key.encode()).decode()
    built = f"(buildCustomCert {q(c)} {q(k)})"
    lines = [f"{{{{ {built} }}}}", f"{{{{ {built} | toJson }}}}", f'{{{{ printf "%+v" {built} }}}}',
             f"{{{{ {built} | toYaml }}}}", f"{{{{ deepEqual {built} {built} }}}}",
             f'{{{{ (genSignedCert "leaf" nil nil 1 {built}).Cert | len | lt 100 }}}}']
    assert template_mismatches(tmp_path, lines) == []


@pytest.mark.slow
def test_pem_blocks_are_found_like_go(tmp_path):
    from tests.sprig.sprig_oracle import template_mismatches

    ca = crypto.genCAWithKey.fn("x", 1, crypto.genPrivateKey.fn("ecdsa"))
    cert, key = ca.Cert, ca.Key
    body = cert.split("-----BEGIN CERTIFICATE-----\n")[1].split("-----END CERTIFICATE-----")[0]
    begin, end = "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----\n"
    certs = [cert, cert.replace("\n", "\r\n"), cert.rstrip("\n"), "junk\n" + cert, "junk" + cert,
             cert + "trailing", f"{begin}\nProc-Type: 4,ENCRYPTED\n\n{body}{end}", f"{begin}   \n{body}{end}",
             f"{begin}\n{body}-----END CERT-----\n", f"{begin}\n{body.replace(chr(10), '')}\n{end}",
             f"{begin}\n!!{body}{end}", f"{begin}\n!!\n{end}{cert}", cert.replace("\n", "\n  "),
             cert.replace("\n", " \t\n"), cert.replace("CERTIFICATE", "FOO"), key, "",
             cert.replace("-----END CERTIFICATE-----", "-----END CERTIFICATE----- x")]
    keys = [key.replace("\n", "\r\n"), "x\n" + key, cert]

    def b64(text: str) -> str:
        return q(base64.b64encode(text.encode()).decode())

    lines = [f"{{{{ (buildCustomCert {b64(c)} {b64(key)}).Cert | len }}}}" for c in certs]
    lines += [f"{{{{ (buildCustomCert {b64(cert)} {b64(k)}).Key | len }}}}" for k in keys]
    assert template_mismatches(tmp_path, lines) == []


@pytest.mark.slow
def test_certificates_chain_across_helm_and_kts(tmp_path):
    # A kts CA signs in Helm, and a Helm CA signs in kts.
    ours = crypto.genCA.fn("kts-ca", 3)
    b64c, b64k = base64.b64encode(ours.Cert.encode()).decode(), base64.b64encode(ours.Key.encode()).decode()
    built = f"(buildCustomCert {q(b64c)} {q(b64k)})"
    helm_leaf, helm_ca = helm_eval(tmp_path, [
        f'{{{{ (genSignedCert "from-helm" nil (list "a.test") 2 {built}).Cert }}}}',
        '{{ $ca := genCA "helm-ca" 3 }}{{ $ca.Cert }}@@{{ $ca.Key }}'])
    helm_ca_cert, helm_ca_key = helm_ca.split("@@")
    _verify(helm_leaf, ours.Cert)
    assert _sans(helm_leaf) == (["a.test"], [])
    helm_ca_struct = crypto.Certificate(helm_ca_cert, helm_ca_key)
    leaf = crypto.genSignedCert.fn("from-kts", ["10.1.2.3"], None, 2, helm_ca_struct)
    _verify(leaf.Cert, helm_ca_cert)
    assert _sans(leaf.Cert) == ([], ["10.1.2.3"])
