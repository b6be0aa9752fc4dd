"""Internal SSL: does the server's certificate name the host the hub connects to?

JupyterHub makes each server's certificate (``create_certs``) before the spawner renders anything,
from ``ssl_alt_names``; the hub and its proxy then check the server's hostname against it. A
mismatch would only show as a TLS failure once the server runs, so the spawn is refused first.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path


def certificate_names(certfile: str) -> tuple[set[str], set[str]]:
    """The DNS names and IP addresses the PEM certificate at ``certfile`` is valid for."""
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(Path(certfile).read_bytes())
    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return set(), set()
    dns = {name.lower().rstrip(".") for name in sans.get_values_for_type(x509.DNSName)}
    ips = {str(ip) for ip in sans.get_values_for_type(x509.IPAddress)}
    return dns, ips


def _dns_match(pattern: str, host: str) -> bool:
    """RFC 6125 matching as TLS clients do it: exact, or ``*`` as the whole left-most label."""
    if pattern == host:
        return True
    if not pattern.startswith("*."):
        return False
    first, _, rest = host.partition(".")
    return bool(first) and rest == pattern[2:]


def names_host(certfile: str, host: str) -> bool:
    """Whether the certificate is valid for ``host`` (a DNS name, an IP, or ``[IPv6]``)."""
    dns, ips = certificate_names(certfile)
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        return str(ipaddress.ip_address(bare)) in ips
    except ValueError:
        name = bare.lower().rstrip(".")
        return any(_dns_match(pattern, name) for pattern in dns)


def describe_names(certfile: str) -> str:
    dns, ips = certificate_names(certfile)
    listed = [f"DNS:{d}" for d in sorted(dns)] + [f"IP:{i}" for i in sorted(ips)]
    return ", ".join(listed) or "none"
