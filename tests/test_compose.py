"""Static checks of docker-compose.yml, Dockerfile and .dockerignore.

Docker cannot run on the development machine, so these tests read the files instead: the
compose file parses, names the services the README promises, gives pantau only real
configuration keys, lets the worker scale, runs real ``pantau`` sub-commands, and holds no
literal secret; the Dockerfile installs the project with ``pantau`` as its entry point.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path

import pytest
import typer.main
import yaml

from pantau.cli import app
from pantau.config import CONFIG_FILE_ENV, Settings, env_name, load_settings

REPO = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
README = REPO / "README.md"

EXPECTED_SERVICES = {"kafka", "elasticsearch", "kibana", "setup", "worker", "connectors"}
PANTAU_SERVICES = {"setup", "worker", "connectors"}
UNPREFIXED = {"KAFKA_BOOTSTRAP_SERVERS", "ELASTICSEARCH_URL"}
SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN", "API_KEY")


# --- helpers -------------------------------------------------------------------------------

def _compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def _services() -> dict:
    return _compose()["services"]


def _env(service: dict) -> dict[str, str]:
    """A service's environment as a dict, whichever of the two compose forms it uses."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {str(k): (None if v is None else str(v)) for k, v in env.items()}


def _argv(value) -> list[str]:
    if value is None:
        return []
    return shlex.split(value) if isinstance(value, str) else [str(v) for v in value]


def _dockerfile_instruction(name: str) -> list[str]:
    """Every argument of a Dockerfile instruction, in order (continuation lines joined)."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    return [m.group(1).strip() for m in re.finditer(rf"^\s*{name}\s+(.+)$", text, re.M | re.I)]


def _image_entrypoint() -> list[str]:
    return json.loads(_dockerfile_instruction("ENTRYPOINT")[-1])


def _full_argv(service: dict) -> list[str]:
    """What the container runs: the entrypoint (the service's, else the image's) + command."""
    entrypoint = _argv(service["entrypoint"]) if "entrypoint" in service else _image_entrypoint()
    command = _argv(service.get("command")) or json.loads(_dockerfile_instruction("CMD")[-1])
    return entrypoint + command


def _subcommand(argv: list[str]) -> str:
    assert argv[0] == "pantau", f"not a pantau command: {argv}"
    words = [a for a in argv[1:] if not a.startswith("-")]
    assert words, f"no sub-command in {argv}"
    return words[0]


def _pantau_services(services: dict) -> dict:
    """The services that run the pantau image (built from this repository)."""
    return {name: s for name, s in services.items()
            if "build" in s or str(s.get("image", "")).split(":")[0].endswith("pantau")}


def _readme_compose_section() -> str | None:
    """The README section whose heading mentions docker compose, or None."""
    if not README.exists():
        return None
    lines = README.read_text().splitlines()
    for i, line in enumerate(lines):
        heading = re.match(r"^(#+)\s+(.*)$", line)
        if heading and re.search(r"docker[ -]compose", heading.group(2), re.I):
            level = len(heading.group(1))
            body = []
            for follower in lines[i + 1:]:
                nxt = re.match(r"^(#+)\s", follower)
                if nxt and len(nxt.group(1)) <= level:
                    break
                body.append(follower)
            return "\n".join(body)
    return None


# --- the compose file ----------------------------------------------------------------------

def test_compose_file_parses_with_services_and_volumes():
    data = _compose()
    assert isinstance(data, dict)
    assert isinstance(data.get("services"), dict) and data["services"]
    for name, service in data["services"].items():
        assert "image" in service or "build" in service, f"{name} has neither image nor build"
    # Every named volume a service mounts is declared at the top level.
    declared = set(data.get("volumes") or {})
    for name, service in data["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source", "")
            if source and not source.startswith((".", "/", "~")):
                assert source in declared, f"{name} mounts undeclared volume {source!r}"


def test_fixed_list_of_services_exists():
    missing = EXPECTED_SERVICES - set(_services())
    assert not missing, f"docker-compose.yml lacks services {sorted(missing)}"


def test_services_named_in_readme_exist():
    """Each README bullet in the docker compose section that starts with `name` is a service."""
    section = _readme_compose_section()
    if section is None:
        pytest.skip("README.md has no docker compose section yet; the fixed list is checked above")
    named = set(re.findall(r"^\s*[-*]\s+`([A-Za-z0-9._-]+)`", section, re.M))
    assert named, "the README's docker compose section lists no services as '- `name`: ...'"
    missing = named - set(_services())
    assert not missing, f"README.md names services that docker-compose.yml lacks: {sorted(missing)}"
    assert EXPECTED_SERVICES <= named, f"README.md does not describe {sorted(EXPECTED_SERVICES - named)}"


def test_pantau_services_use_the_shared_environment():
    services = _services()
    pantau = _pantau_services(services)
    assert PANTAU_SERVICES <= set(pantau), f"pantau image services: {sorted(pantau)}"
    # The worker adds its static member id, the connectors their file, state and metrics port;
    # apart from that the environments are one block.
    own = ("PANTAU_WORKER_INSTANCE_ID", "PANTAU_CONNECTORS_")  # the worker's and the connectors' own keys
    envs = [{k: v for k, v in _env(pantau[name]).items() if not k.startswith(own)}
            for name in sorted(PANTAU_SERVICES)]
    assert all(env == envs[0] for env in envs), "setup, worker and connectors differ in environment"
    assert _env(pantau["worker"])["PANTAU_WORKER_INSTANCE_ID"] == "hostname"
    for key in ("KAFKA_BOOTSTRAP_SERVERS", "ELASTICSEARCH_URL", "PANTAU_ELASTICSEARCH_USERNAME",
                "PANTAU_ELASTICSEARCH_PASSWORD", "PANTAU_TOPIC_PARTITIONS", "PANTAU_KIBANA_URL",
                "PANTAU_METRICS_PORT"):
        assert key in envs[0], f"pantau services lack {key}"
    assert "x-pantau-env" in _compose(), "the shared x-pantau-env block is gone"


def test_pantau_environment_variables_are_configuration_keys():
    known = {env_name(key) for key in Settings.model_fields} | {CONFIG_FILE_ENV}
    for name, service in _pantau_services(_services()).items():
        for var in _env(service):
            if var.startswith("PANTAU_") or var in UNPREFIXED:
                assert var in known, f"{name}: {var} is not a pantau configuration key"


def test_pantau_environment_values_validate(monkeypatch):
    """With the ${...} placeholders filled in, the environment loads as valid Settings."""
    env = _env(_services()["worker"])
    for var in list(os.environ):
        if var.startswith("PANTAU_") or var in UNPREFIXED:
            monkeypatch.delenv(var)

    def fill(value: str) -> str:
        # ${VAR:-default} / ${VAR-default} -> default; ${VAR}, ${VAR:?msg} -> a placeholder.
        def one(m: re.Match) -> str:
            return m.group(3) if m.group(2) in (":-", "-") else "placeholder-value"
        return re.sub(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}", one, value)

    for var, value in env.items():
        if var.startswith("PANTAU_") or var in UNPREFIXED:
            monkeypatch.setenv(var, fill(value or ""))
    settings = load_settings()
    assert not settings.uses_local_backend
    assert settings.kafka_bootstrap_servers.split(",")[0].split(":")[0] in _services()
    assert settings.elasticsearch_url.split("//")[1].split(":")[0] in _services()
    assert settings.elasticsearch_username == "elastic"
    assert settings.metrics_port > 0


def test_worker_can_scale():
    worker = _services()["worker"]
    assert "container_name" not in worker, "a fixed container_name stops --scale worker=N"
    assert not worker.get("ports"), "host port bindings stop --scale worker=N (use expose)"
    assert "hostname" not in worker


def test_setup_runs_pantau_setup_once_after_the_backends():
    setup = _services()["setup"]
    argv = _full_argv(setup)
    assert argv[0] == "pantau" and _subcommand(argv) == "setup", argv
    assert str(setup.get("restart", "no")) == "no"
    depends = setup.get("depends_on") or {}
    for backend in ("kafka", "elasticsearch"):
        assert depends.get(backend, {}).get("condition") == "service_healthy", backend
        assert "healthcheck" in _services()[backend], f"{backend} needs a healthcheck"
    for name in ("worker", "connectors"):
        condition = (_services()[name].get("depends_on") or {}).get("setup", {}).get("condition")
        assert condition == "service_completed_successfully", name


def test_pantau_service_commands_are_real_subcommands():
    names = {c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands}
    names |= {g.name for g in app.registered_groups}
    click_group = typer.main.get_command(app)
    for name, service in _pantau_services(_services()).items():
        argv = _full_argv(service)
        sub = _subcommand(argv)
        assert sub in names, f"{name}: 'pantau {sub}' is not a sub-command ({sorted(names)})"
        # Every --option given must be one the sub-command declares.
        command = click_group.commands[sub]
        declared = {opt for param in command.params for opt in param.opts + param.secondary_opts}
        for arg in argv[argv.index(sub) + 1:]:
            if arg.startswith("--"):
                assert arg.split("=")[0] in declared, f"{name}: pantau {sub} has no {arg}"
    assert _subcommand(_full_argv(_services()["worker"])) == "worker"
    assert _full_argv(_services()["connectors"])[1:3] == ["connectors", "run"]


def test_connectors_run_a_mounted_connectors_file_whose_replayed_files_are_mounted_too():
    from ingestors.connectors_config import load_connectors
    from ingestors.file_replay import FileReplayConnector

    connectors = _services()["connectors"]
    env = _env(connectors)
    mounts = {}
    for volume in connectors["volumes"]:
        source, target, *mode = volume.split(":")
        mounts[target] = (source, mode)
    source, mode = mounts[env["PANTAU_CONNECTORS_FILE"]]
    assert mode == ["ro"]
    assert mounts[env["PANTAU_CONNECTORS_STATE_DIR"]][0] in _compose()["volumes"], "state must outlive the container"
    workdir = _dockerfile_instruction("WORKDIR")[-1]
    replayed = [path for instance in load_connectors(REPO / source, check_secrets=False)
                if instance.cls is FileReplayConnector for path in instance.options.paths]
    assert replayed
    for path in replayed:
        inside = f"{workdir}/{path}"
        target = next(t for t in mounts if inside.startswith(t + "/"))
        host_dir, mode = mounts[target]
        assert mode == ["ro"] and (REPO / host_dir / inside.removeprefix(target + "/")).exists(), inside


def test_kafka_is_a_consistent_single_kraft_node():
    kafka = _services()["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = _env(kafka)
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    node_id, voter = env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split("@")
    assert node_id == env["KAFKA_NODE_ID"]
    listeners = {l.split("://")[0]: l.split(":")[-1] for l in env["KAFKA_LISTENERS"].split(",")}
    protocols = dict(p.split(":") for p in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    controller = env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert controller in listeners and listeners[controller] == voter.split(":")[1]
    advertised = env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert all(a.split("://")[0] in listeners for a in advertised)
    assert set(listeners) <= set(protocols)
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    # pantau connects to a listener that is advertised under the name it dials.
    bootstrap = _env(_services()["worker"])["KAFKA_BOOTSTRAP_SERVERS"]
    assert any(a.split("://")[1] == bootstrap for a in advertised), (bootstrap, advertised)


def test_elasticsearch_and_kibana_are_secured_single_node():
    services = _services()
    es, kibana = services["elasticsearch"], services["kibana"]
    assert es["image"].endswith(":8.15.3") and kibana["image"].endswith(":8.15.3")
    env = _env(es)
    assert env["discovery.type"] == "single-node"
    assert env["xpack.security.enabled"].lower() == "true"
    assert "ELASTIC_PASSWORD" in env
    assert any(str(v).endswith("/usr/share/elasticsearch/data") for v in es.get("volumes", []))
    kenv = _env(kibana)
    assert kenv["ELASTICSEARCH_HOSTS"].strip('[]"') == _env(services["worker"])["ELASTICSEARCH_URL"]
    assert kenv["ELASTICSEARCH_USERNAME"] != "elastic", "Kibana 8 refuses the elastic superuser"
    assert kibana["depends_on"]["elasticsearch"]["condition"] == "service_healthy"


def test_no_literal_secret_in_compose_file():
    text = COMPOSE_FILE.read_text()
    for name, service in _services().items():
        for var, value in _env(service).items():
            if any(word in var.upper() for word in SECRET_WORDS) and not var.upper().endswith("_FILE"):
                assert value and re.fullmatch(r"\$\{\w+(:\?[^}]*)?\}", value), (
                    f"{name}: {var} must come from the environment as ${{VAR}} or ${{VAR:?msg}}, "
                    f"not {value!r}")
    # No default value for a secret variable anywhere (${ELASTIC_PASSWORD:-changeme}) ...
    assert not re.search(r"\$\{\w*(PASSWORD|SECRET|TOKEN|API_KEY)\w*:?-", text)
    # ... and no user:password pair written out in a command or healthcheck.
    def strings(node):
        if isinstance(node, dict):
            for value in node.values():
                yield from strings(value)
        elif isinstance(node, list):
            for value in node:
                yield from strings(value)
        elif isinstance(node, str):
            yield node
    for string in strings(_compose()):
        assert not re.search(r"(-u|--user)\s+[\"']?[\w.-]+:(?!\$)", string), string
    assert "changeme" not in text.lower()


# --- the image -----------------------------------------------------------------------------

def test_dockerfile_installs_the_project_with_pantau_as_entrypoint():
    base = _dockerfile_instruction("FROM")
    assert base and base[0].split()[0].startswith("python:3.11-slim")
    runs = " ".join(_dockerfile_instruction("RUN"))
    assert re.search(r"pip install (?:[^&;]*\s)?\.(\s|$)", runs), "the project is not pip-installed"
    assert any(c.split()[0] == "." for c in _dockerfile_instruction("COPY")), "the repo is not copied"
    assert _image_entrypoint() == ["pantau"]
    assert json.loads(_dockerfile_instruction("CMD")[-1]) == ["worker"]
    users = _dockerfile_instruction("USER")
    assert users and users[-1] not in ("root", "0"), "the image must run as a non-root user"


def test_dockerignore_keeps_local_state_out_of_the_build():
    ignored = {line.strip() for line in DOCKERIGNORE.read_text().splitlines()}
    for entry in (".venv", ".pantau", ".git", "__pycache__", ".pytest_cache"):
        assert entry in ignored, f".dockerignore lacks {entry}"
    # pyproject.toml names README.md as the readme: the build needs it in the context.
    assert "README.md" not in ignored and "*.md" not in ignored
