"""deploy/ is a deployment users can copy: the compose file's services, health checks and start
order, the systemd units, and nginx's configuration (checked by `nginx -t` where nginx is)."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return data


def test_compose_has_postgres_two_rasa_replicas_instances_and_nginx() -> None:
    """The compose file runs PostgreSQL, two Rasa replicas, several Assist instances, a
    one-shot migration and nginx, each long-running service with a health check."""
    services = compose()["services"]
    assert set(services) == {"postgres", "migrate", "assist", "rasa1", "rasa2", "nginx"}
    assert services["assist"]["deploy"]["replicas"] >= 2
    for name in ("postgres", "assist", "rasa1", "rasa2", "nginx"):
        assert services[name]["healthcheck"]["test"], name
    assert services["migrate"]["command"] == ["assist", "db", "migrate"]
    assert services["migrate"]["restart"] == "no"
    env = services["assist"]["environment"]
    assert env["ASSIST_DATABASE_URL"].startswith("postgresql://")
    assert env["ASSIST_RASA_URL"] == "http://rasa1:5005,http://rasa2:5005"
    # Behind nginx every chat would otherwise share nginx's address (one flood "source").
    assert env["ASSIST_FORWARDED_ALLOW_IPS"] == "*"
    assert "ports" not in services["assist"]  # so only nginx can reach an instance
    assert services["assist"]["image"] == services["migrate"]["image"]


def test_compose_starts_things_in_order() -> None:
    """Migrations wait for a healthy PostgreSQL, instances for the migrations to finish, and
    nginx for healthy instances."""
    services = compose()["services"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["assist"]["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert services["nginx"]["depends_on"]["assist"]["condition"] == "service_healthy"
    for volume in services["nginx"]["volumes"]:
        assert (DEPLOY / volume.split(":")[0]).exists(), volume


@pytest.mark.parametrize("conf", ["nginx/compose.conf", "systemd/nginx-assist.conf"])
def test_nginx_passes_websockets_and_unbuffered_events(conf: str) -> None:
    """Both nginx sites upgrade WebSockets (web chat, media streams), keep long sockets open
    and do not buffer the console's server-sent events."""
    text = (DEPLOY / conf).read_text()
    for needed in (
        "proxy_http_version 1.1;",
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $connection_upgrade;",
        "proxy_buffering off;",
        "proxy_read_timeout 3600s;",
    ):
        assert needed in text, needed


def test_systemd_units_parse_and_start_after_migrations() -> None:
    """The instance template takes its port from the instance name and requires the one-shot
    migration unit; every unit has the sections systemd needs."""
    units = {}
    for path in (DEPLOY / "systemd").glob("*.service"):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read_string(path.read_text())
        assert {"Unit", "Service", "Install"} <= set(parser.sections()), path.name
        units[path.name] = parser
    instance = units["assist@.service"]
    assert "assist-migrate.service" in instance["Unit"]["Requires"]
    assert "Environment=ASSIST_PORT=%i" in (DEPLOY / "systemd/assist@.service").read_text()
    assert units["assist-migrate.service"]["Service"]["Type"] == "oneshot"
    assert units["assist-migrate.service"]["Service"]["ExecStart"].endswith("assist db migrate")


def test_nginx_accepts_the_sites(tmp_path: Path) -> None:
    """`nginx -t` accepts each site (with its upstreams pointed at this machine)."""
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        pytest.fail("nginx is not installed here, so `nginx -t` cannot run (apt-get install nginx)")
    for site in ("nginx/compose.conf", "systemd/nginx-assist.conf"):
        text = (DEPLOY / site).read_text().replace("server assist:8000", "server 127.0.0.1:8000")
        conf = tmp_path / "nginx.conf"
        conf.write_text(
            f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
            f"events {{}}\nhttp {{\naccess_log off;\n{text}\n}}\n"
        )
        done = subprocess.run(
            [nginx, "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
