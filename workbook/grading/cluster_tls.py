"""The course's own certificate authority for its Dask cluster: who may join, and who may grade.

Dask's scheduler, with TLS and a CA file, accepts only peers whose certificate that CA
signed (mutual TLS: every connection shows one), so a course CA is the whole access
control. This module makes it and the three certificates (scheduler, worker, grader's
client) with `cryptography`, and hands Dask a ``Security`` for a role. Dask itself does the
TLS (distributed.security); we only make and guard the files.

The folder is private (0700, keys 0600) and must not be in the course folder: workers share
that folder with the kernels' machines, and the CA's key signs new members of the cluster.
"""

import datetime
import ipaddress
import os
import stat
from pathlib import Path

from workbook.course.table import COURSE_ID

ROLES = ("scheduler", "worker", "client")
CA = "ca"
CA_DAYS = 5 * 365      # a course CA outlives a term or two; a new one means new files everywhere
LEAF_DAYS = 2 * 365


class CertificateProblem(RuntimeError):
    """A certificate is missing, unreadable or kept where others could read it (one line)."""


def default_dir(course_id: str = COURSE_ID) -> Path:
    """``$XDG_CONFIG_HOME/workbook/tls/<course id>`` (``~/.config/...``): the user's, not the course's."""
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "workbook" / "tls" / course_id


def chosen_dir(tls_dir) -> Path:
    return Path(tls_dir).expanduser().resolve() if tls_dir else default_dir()


def paths(tls_dir: Path, role: str) -> tuple[Path, Path]:
    """(certificate, key) of ``role`` (``ca``, ``scheduler``, ``worker`` or ``client``)."""
    return tls_dir / f"{role}.pem", tls_dir / f"{role}.key"


def ca_file(tls_dir: Path) -> Path:
    return paths(tls_dir, CA)[0]


def _private_folder(tls_dir: Path, course_root: Path | None):
    if course_root is not None and (Path(course_root) / "nbgrader_config.py").is_file():
        root = Path(course_root).resolve()
        if tls_dir == root or root in tls_dir.parents:
            raise CertificateProblem(f"--tls-dir {tls_dir} is inside the course folder {root}: keep the keys out of "
                                     "the folder the workers share (default: ~/.config/workbook/tls/<course>)")
    tls_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(tls_dir, 0o700)


def check_private(tls_dir: Path, role: str):
    """Refuse keys that others on the machine could read (as ssh refuses such keys)."""
    for path in (tls_dir, paths(tls_dir, role)[1]):
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise CertificateProblem(f"{path} can be read by other users (mode {stat.filemode(mode)}): "
                                     f"chmod {'700' if path.is_dir() else '600'} {path}")


def _write_private(path: Path, data: bytes):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"workbook course {COURSE_ID}"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, key, issuer_name, signing_key, *, ca: bool, days: int, hosts=()):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID

    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer_name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                                      content_commitment=False, key_encipherment=False,
                                                      data_encipherment=False, key_agreement=False,
                                                      encipher_only=False, decipher_only=False), critical=True)
    else:  # every member is both a TLS server (it listens) and a client (it connects)
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                               ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        names = []
        for host in hosts:
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(host)))
            except ValueError:
                names.append(x509.DNSName(host))
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def _pem(certificate) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return certificate.public_bytes(serialization.Encoding.PEM)


def _key_pem(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _new_key():
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _load_ca(tls_dir: Path):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert_path, key_path = paths(tls_dir, CA)
    return (x509.load_pem_x509_certificate(cert_path.read_bytes()),
            serialization.load_pem_private_key(key_path.read_bytes(), password=None))


def create(tls_dir, course_root=None, hosts=()) -> list[Path]:
    """Make the course CA and each role's certificate in ``tls_dir`` where missing; the files made.

    Existing files are kept (a second run must not lock out machines that have the first
    ones); delete the folder to start again with a new CA."""
    tls_dir = chosen_dir(tls_dir)
    _private_folder(tls_dir, course_root)
    made = []
    cert_path, key_path = paths(tls_dir, CA)
    if not cert_path.exists():
        if key_path.exists():
            raise CertificateProblem(f"{key_path} exists without {cert_path.name}: remove it, or the folder, and run again")
        key = _new_key()
        certificate = _certificate(f"{COURSE_ID} cluster CA", key, _name(f"{COURSE_ID} cluster CA"), key,
                                   ca=True, days=CA_DAYS)
        _write_private(key_path, _key_pem(key))
        cert_path.write_bytes(_pem(certificate))
        made += [cert_path, key_path]
    ca_cert, ca_key = _load_ca(tls_dir)
    for role in ROLES:
        cert_path, key_path = paths(tls_dir, role)
        if cert_path.exists() and key_path.exists():
            continue
        for stale in (cert_path, key_path):
            stale.unlink(missing_ok=True)
        key = _new_key()
        certificate = _certificate(f"{COURSE_ID} {role}", key, ca_cert.subject, ca_key, ca=False, days=LEAF_DAYS,
                                   hosts=tuple(hosts) + ("localhost", "127.0.0.1"))
        _write_private(key_path, _key_pem(key))
        cert_path.write_bytes(_pem(certificate))
        made += [cert_path, key_path]
    return made


def role_files(tls_dir, role: str) -> tuple[Path, Path, Path]:
    """(CA certificate, certificate, key) for ``role``; one clear line when one is missing or not private."""
    tls_dir = chosen_dir(tls_dir)
    ca = ca_file(tls_dir)
    cert, key = paths(tls_dir, role)
    missing = [p.name for p in (ca, cert, key) if not p.is_file()]
    if missing:
        raise CertificateProblem(f"no {role} certificate for the Dask cluster in {tls_dir} (missing "
                                 f"{', '.join(missing)}): run `workbook cluster certificates` on the instructor's "
                                 f"machine and copy ca.pem, {role}.pem and {role}.key here, or give --tls-dir")
    check_private(tls_dir, role)
    return ca, cert, key


def security(tls_dir, role: str):
    """Dask's ``Security`` for ``role``: TLS only, this course's CA, this role's certificate."""
    from distributed import Security

    ca, cert, key = role_files(tls_dir, role)
    return Security(tls_ca_file=str(ca), require_encryption=True,
                    **{f"tls_{role}_cert": str(cert), f"tls_{role}_key": str(key)})
