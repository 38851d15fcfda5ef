"""The course's Dask cluster admits only holders of its certificates (issue 21).

A real scheduler started by `workbook cluster scheduler` on 127.0.0.1 (no workers: nothing
here grades) must refuse a client without a certificate, with a certificate of another CA,
and over plain tcp, and accept the course's client. `workbook grade --cluster` refuses a
plain tcp:// address on another machine before any connection is tried, and says in one
line when its certificate is missing or refused.
"""

import socket
import ssl
import stat

import pytest
from dask_cluster import Cluster
from distributed import Client

from workbook import cli
from workbook.grading import cluster as dask_grading
from workbook.grading import cluster_tls

REFUSAL_TIMEOUT_S = 10


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls-scheduler")
    running = Cluster(folder)
    try:
        running.start_scheduler()  # `workbook cluster certificates`, then `workbook cluster scheduler`
        yield running
    finally:
        running.close()


@pytest.fixture(scope="module")
def other_ca(tmp_path_factory):
    """Certificates of another course's CA (same names, same roles)."""
    folder = tmp_path_factory.mktemp("other-ca") / "tls"
    cluster_tls.create(folder)
    return folder


def _host_port(address: str) -> tuple[str, int]:
    host, port = address.removeprefix("tls://").rsplit(":", 1)
    return host, int(port)


def _scheduler_answers(address: str, context: ssl.SSLContext) -> bool:
    """Whether the scheduler speaks to a TLS connection made with ``context`` (an accepted peer
    gets Dask's handshake; a refused one an alert, or the connection closed)."""
    with socket.create_connection(_host_port(address), timeout=REFUSAL_TIMEOUT_S) as raw:
        try:
            with context.wrap_socket(raw) as tls:
                return tls.recv(1) != b""  # TLS 1.3: a refused client certificate is reported here
        except (ssl.SSLError, ConnectionError):
            return False


def _context(ca, cert=None, key=None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(ca))
    context.check_hostname = False  # Dask's own contexts do the same: the CA is the cluster's
    if cert is not None:
        context.load_cert_chain(str(cert), str(key))
    return context


def test_the_course_client_certificate_is_accepted(scheduler):
    ca = cluster_tls.ca_file(scheduler.tls_dir)
    assert _scheduler_answers(scheduler.address, _context(ca, *cluster_tls.paths(scheduler.tls_dir, "client")))
    assert scheduler.client.scheduler_info()["address"] == scheduler.address
    assert scheduler.address.startswith("tls://127.0.0.1:")


def test_a_client_without_a_certificate_is_refused(scheduler):
    assert not _scheduler_answers(scheduler.address, _context(cluster_tls.ca_file(scheduler.tls_dir)))


def test_a_certificate_of_another_ca_is_refused(scheduler, other_ca):
    ca = cluster_tls.ca_file(scheduler.tls_dir)  # the client trusts the scheduler; the scheduler must not trust it
    assert not _scheduler_answers(scheduler.address, _context(ca, *cluster_tls.paths(other_ca, "client")))
    with pytest.raises(OSError):
        Client(scheduler.address, timeout=REFUSAL_TIMEOUT_S, set_as_default=False,
               security=cluster_tls.security(other_ca, "client"))


def test_plain_tcp_is_refused(scheduler):
    with pytest.raises(OSError):
        Client(scheduler.address.replace("tls://", "tcp://"), timeout=REFUSAL_TIMEOUT_S, set_as_default=False)


def test_the_certificates_are_private_and_kept(tmp_path):
    tls_dir = tmp_path / "home" / "tls"
    made = cluster_tls.create(tls_dir)
    assert {p.name for p in made} == {f"{role}.{ext}" for role in ("ca", *cluster_tls.ROLES) for ext in ("pem", "key")}
    assert stat.S_IMODE(tls_dir.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in tls_dir.glob("*.key"))
    before = {p.name: p.read_bytes() for p in tls_dir.iterdir()}
    assert cluster_tls.create(tls_dir) == []  # a second run locks no machine out
    assert {p.name: p.read_bytes() for p in tls_dir.iterdir()} == before
    (tls_dir / "worker.key").chmod(0o644)
    with pytest.raises(cluster_tls.CertificateProblem, match=r"worker.key can be read by other users .*chmod 600"):
        cluster_tls.security(tls_dir, "worker")


def test_the_certificates_are_refused_inside_the_course_folder(tmp_path, capsys):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    code = cli.main(["cluster", "certificates", "--root", str(tmp_path), "--tls-dir", str(tmp_path / "tls")])
    assert code == 2 and "is inside the course folder" in capsys.readouterr().err
    assert not (tmp_path / "tls").exists()


@pytest.fixture
def no_connection(monkeypatch):
    """Record every connection `workbook grade` would try (and try none)."""
    tried = []

    def client(address, *args, **kwargs):
        tried.append(address)
        raise OSError("not connecting in this test")

    def connect(sock, address, *args):
        tried.append(address)
        raise OSError("not connecting in this test")

    monkeypatch.setattr(dask_grading, "Client", client)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect)
    return tried


def _course(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    return tmp_path


@pytest.mark.parametrize("address", ["tcp://192.0.2.1:8786", "tcp://grader.example.org:8786", "192.0.2.1:8786"])
def test_plain_tcp_elsewhere_is_refused_before_connecting(tmp_path, capsys, no_connection, address):
    code = cli.main(["grade", "--root", str(_course(tmp_path)), "--db", "postgresql://u@192.0.2.1/course",
                     "--cluster", address])
    err = capsys.readouterr().err
    assert code == 2 and no_connection == []
    assert err.count("\n") == 1 and "refusing to grade on" in err and "--insecure-cluster" in err, err
    assert "anyone who can reach that port can run code on the workers" in err


def test_insecure_cluster_lets_plain_tcp_through(tmp_path, capsys, no_connection):
    code = cli.main(["grade", "--root", str(_course(tmp_path)), "--db", "postgresql://u@192.0.2.1/course",
                     "--cluster", "tcp://192.0.2.1:8786", "--insecure-cluster"])
    assert code == 2 and no_connection == ["tcp://192.0.2.1:8786"]  # it got as far as connecting (here: refused)
    assert "cannot reach the Dask scheduler at tcp://192.0.2.1:8786" in capsys.readouterr().err


def test_a_missing_certificate_is_one_line(tmp_path, capsys, no_connection):
    code = cli.main(["grade", "--root", str(_course(tmp_path)), "--db", "postgresql://u@127.0.0.1/course",
                     "--cluster", "tls://192.0.2.1:8786", "--tls-dir", str(tmp_path / "nothing-here")])
    err = capsys.readouterr().err
    assert code == 2 and no_connection == []
    assert err.count("\n") == 1 and "no client certificate" in err and "workbook cluster certificates" in err, err


def test_a_refused_certificate_is_one_line(scheduler, other_ca, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(dask_grading, "CONNECT_TIMEOUT_S", REFUSAL_TIMEOUT_S)
    code = cli.main(["grade", "--root", str(_course(tmp_path)), "--db", "postgresql://u@127.0.0.1:1/course",
                     "--cluster", scheduler.address, "--tls-dir", str(other_ca)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert f"cannot connect to the Dask scheduler at {scheduler.address} over TLS" in err
    assert "refused this grader's certificate" in err and "Traceback" not in err


def test_workers_start_only_in_a_course_folder_and_with_certificates(tmp_path, capsys):
    assert cli.main(["cluster", "worker", "tls://127.0.0.1:9", "--root", str(tmp_path)]) == 2
    assert "is not the course folder" in capsys.readouterr().err
    _course(tmp_path)
    assert cli.main(["cluster", "worker", "tls://127.0.0.1:9", "--root", str(tmp_path),
                     "--tls-dir", str(tmp_path / "none")]) == 2
    assert "no worker certificate" in capsys.readouterr().err
    assert cli.main(["cluster", "worker", "tcp://127.0.0.1:9", "--root", str(tmp_path)]) == 2
    assert "give the tls:// address" in capsys.readouterr().err
    assert cli.main(["cluster", "scheduler", "--tls-dir", str(tmp_path / "none")]) == 2
    assert "no scheduler certificate" in capsys.readouterr().err


def test_the_printed_dask_commands_use_the_certificates(tmp_path, capsys):
    tls_dir = tmp_path / "tls"
    cluster_tls.create(tls_dir)
    assert cli.main(["cluster", "commands", "--tls-dir", str(tls_dir), "--host", "10.0.0.5"]) == 0
    out = capsys.readouterr().out
    assert f"dask scheduler --protocol tls --host 10.0.0.5 --port 8786 --tls-ca-file {tls_dir}/ca.pem" in out
    assert f"dask worker tls://10.0.0.5:8786 --tls-ca-file {tls_dir}/ca.pem --tls-cert {tls_dir}/worker.pem" in out
    assert "DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION='True'" in out and "--no-dashboard" in out
    assert f"key: {tls_dir}/worker.key" in out
