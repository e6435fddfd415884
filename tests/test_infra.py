"""Deployment infrastructure: CloudFormation template, IAM policy, gunicorn config, Dockerfile.

Real parts: cfn-lint on the template, the stack created in moto's CloudFormation (server mode,
loopback), and gunicorn started with the project's config on loopback.
"""

from __future__ import annotations

import ast
import http.client
import json
import re
import runpy
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
import yaml
from cfn_lint import run_cfn_lint
from dynamo_server import free_loopback_port, start_dynamodb_server
from gunicorn.config import Config as GunicornConfig

ROOT = Path(__file__).resolve().parent.parent
INFRA = ROOT / "infra"
TEMPLATE = INFRA / "dynamodb-table.yaml"
POLICY_JSON = INFRA / "iam-policy.json"
GUNICORN_CONF = INFRA / "gunicorn.conf.py"
DOCKERFILE = INFRA / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
DEPLOY_DOC = ROOT / "docs" / "DEPLOY.md"
SERVICE_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem"]
GUNICORN_CMD = ["gunicorn", "-c", "infra/gunicorn.conf.py", "skill.app:create_app()"]


# --- CloudFormation -------------------------------------------------------------------------


def _template() -> dict[str, Any]:
    template: dict[str, Any] = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    return template


def test_cfn_lint_passes_on_the_table_template() -> None:
    result = run_cfn_lint(TEMPLATE)
    assert result.returncode == 0, f"cfn-lint found problems:\n{result.stdout}{result.stderr}"


def test_cfn_lint_would_catch_a_broken_table(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        TEMPLATE.read_text(encoding="utf-8").replace("PAY_PER_REQUEST", "PAY_WHENEVER"),
        encoding="utf-8",
    )
    result = run_cfn_lint(broken)
    assert result.returncode != 0 and "PAY_WHENEVER" in result.stdout, result.stdout


def test_table_template_has_the_production_settings() -> None:
    template = _template()
    assert template["Parameters"]["TableName"]["Default"] == "footcoach-progress"
    table = template["Resources"]["ProgressTable"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    props = table["Properties"]
    assert props["TableName"] == {"Ref": "TableName"}
    assert props["AttributeDefinitions"] == [{"AttributeName": "runner", "AttributeType": "S"}]
    assert props["KeySchema"] == [{"AttributeName": "runner", "KeyType": "HASH"}]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert props["DeletionProtectionEnabled"] is True


def test_template_outputs_the_table_and_the_policy() -> None:
    outputs = _template()["Outputs"]
    assert outputs["TableName"]["Value"] == {"Ref": "ProgressTable"}
    assert outputs["TableArn"]["Value"] == {"Fn::GetAtt": ["ProgressTable", "Arn"]}
    assert outputs["ServicePolicyArn"]["Value"] == {"Ref": "ServicePolicy"}


def _only_statement(document: dict[str, Any]) -> dict[str, Any]:
    assert document["Version"] == "2012-10-17"
    statements = document["Statement"]
    assert len(statements) == 1, "the service needs exactly one permission statement"
    statement: dict[str, Any] = statements[0]
    return statement


def test_service_policy_allows_only_get_and_put_on_the_table() -> None:
    policy = _template()["Resources"]["ServicePolicy"]
    assert policy["Type"] == "AWS::IAM::ManagedPolicy"
    statement = _only_statement(policy["Properties"]["PolicyDocument"])
    assert statement["Effect"] == "Allow"
    assert sorted(statement["Action"]) == SERVICE_ACTIONS
    assert statement["Resource"] == {"Fn::GetAtt": ["ProgressTable", "Arn"]}
    assert set(statement) == {"Sid", "Effect", "Action", "Resource"}


def test_plain_json_policy_matches_the_template_policy() -> None:
    document = json.loads(POLICY_JSON.read_text(encoding="utf-8"))
    statement = _only_statement(document)
    template_statement = _only_statement(
        _template()["Resources"]["ServicePolicy"]["Properties"]["PolicyDocument"]
    )
    assert {k: v for k, v in statement.items() if k != "Resource"} == {
        k: v for k, v in template_statement.items() if k != "Resource"
    }
    resource = statement["Resource"]
    assert isinstance(resource, str) and "*" not in resource
    assert re.fullmatch(r"arn:aws:dynamodb:[A-Z_]+:[A-Z_]+:table/footcoach-progress", resource)


@pytest.fixture(scope="module")
def aws_endpoint() -> Iterator[str]:
    """moto in server mode on loopback: CloudFormation, DynamoDB and IAM behind one endpoint."""
    with start_dynamodb_server() as endpoint:
        yield endpoint


def test_stack_creates_the_table_and_a_policy_scoped_to_it(aws_endpoint: str) -> None:
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    cloudformation = session.client("cloudformation", endpoint_url=aws_endpoint)
    cloudformation.create_stack(
        StackName="footcoach-test",
        TemplateBody=TEMPLATE.read_text(encoding="utf-8"),
        Parameters=[{"ParameterKey": "TableName", "ParameterValue": "footcoach-stack-test"}],
        Capabilities=["CAPABILITY_IAM"],
    )
    stack = cloudformation.describe_stacks(StackName="footcoach-test")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    outputs = {output["OutputKey"]: output["OutputValue"] for output in stack["Outputs"]}
    assert outputs["TableName"] == "footcoach-stack-test"

    dynamodb = session.client("dynamodb", endpoint_url=aws_endpoint)
    table = dynamodb.describe_table(TableName="footcoach-stack-test")["Table"]
    assert table["TableArn"] == outputs["TableArn"]
    assert table["KeySchema"] == [{"AttributeName": "runner", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["DeletionProtectionEnabled"] is True

    iam = session.client("iam", endpoint_url=aws_endpoint)
    policy = iam.get_policy(PolicyArn=outputs["ServicePolicyArn"])["Policy"]
    version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])[
        "PolicyVersion"
    ]
    document = version["Document"]
    if isinstance(document, str):  # IAM returns the document URL-encoded in some versions
        document = json.loads(document)
    statement = _only_statement(document)
    assert sorted(statement["Action"]) == SERVICE_ACTIONS
    assert statement["Resource"] == outputs["TableArn"]

    dynamodb.put_item(
        TableName="footcoach-stack-test",
        Item={"runner": {"S": "a" * 64}, "version": {"N": "1"}},
        ConditionExpression="attribute_not_exists(runner)",
    )
    item = dynamodb.get_item(TableName="footcoach-stack-test", Key={"runner": {"S": "a" * 64}})
    assert item["Item"]["version"] == {"N": "1"}


# --- gunicorn -------------------------------------------------------------------------------


def _load_gunicorn_conf(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in ("PORT", "WEB_CONCURRENCY", "GUNICORN_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def _settings(namespace: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value
        for name, value in namespace.items()
        if not name.startswith("_") and name != "annotations" and not isinstance(value, ModuleType)
    }


def test_gunicorn_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    conf = _load_gunicorn_conf(monkeypatch)
    assert conf["bind"] == "0.0.0.0:8080"
    assert conf["workers"] == 2
    assert conf["worker_class"] == "gthread"
    assert conf["threads"] == 4
    assert conf["timeout"] == 30
    assert 0 < conf["graceful_timeout"] <= conf["timeout"]
    assert conf["preload_app"] is False
    assert conf["accesslog"] == "-"


def test_gunicorn_reads_port_and_concurrency_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conf = _load_gunicorn_conf(monkeypatch, PORT="9123", WEB_CONCURRENCY="5")
    assert conf["bind"] == "0.0.0.0:9123"
    assert conf["workers"] == 5


@pytest.mark.parametrize(("name", "value"), [("PORT", "eighty"), ("WEB_CONCURRENCY", "0")])
def test_gunicorn_rejects_a_bad_environment_value(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    with pytest.raises(SystemExit, match=name):
        _load_gunicorn_conf(monkeypatch, **{name: value})


def test_every_gunicorn_setting_is_known_and_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings(_load_gunicorn_conf(monkeypatch))
    config = GunicornConfig()
    unknown = set(settings) - set(config.settings)
    assert unknown == set(), f"not gunicorn settings (typos?): {unknown}"
    for name, value in settings.items():
        config.set(name, value)  # gunicorn's own validators raise on a bad type or value
    assert config.worker_class_str == "gthread"


def test_access_log_format_leaves_out_query_strings_and_bodies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log_format = _load_gunicorn_conf(monkeypatch)["access_log_format"]
    atoms = set(re.findall(r"%\((\w+)\)s", log_format))
    assert "U" in atoms, "the access log should name the path"
    assert atoms.isdisjoint({"q", "r"}), "query string (q, or inside the request line r)"
    assert "{body}" not in log_format.lower()


HEALTH_APP = """
from pathlib import Path

SICK_FLAG = Path(__file__).with_name("sick")


def app(environ, start_response):
    if environ["PATH_INFO"] == "/healthz" and not SICK_FLAG.exists():
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"status": "ok"}']
    start_response("503 Service Unavailable", [("Content-Type", "application/json")])
    return [b'{"status": "unavailable"}']
"""


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    pairs = []
    for instruction in logical:
        keyword, _, arguments = instruction.partition(" ")
        pairs.append((keyword.upper(), arguments.strip()))
    return pairs


def _healthcheck_command() -> list[str]:
    (arguments,) = [
        args for keyword, args in _dockerfile_instructions() if keyword == "HEALTHCHECK"
    ]
    command_json = arguments[arguments.index("CMD ") + len("CMD ") :]
    command: list[str] = json.loads(command_json)
    return command


@pytest.fixture
def gunicorn_server(tmp_path: Path) -> Iterator[tuple[int, Path, subprocess.Popen[str]]]:
    """gunicorn with the project's config (bound to loopback) serving a tiny health app."""
    (tmp_path / "health_app.py").write_text(HEALTH_APP, encoding="utf-8")
    port = free_loopback_port()
    env = {
        "PATH": str(Path(sys.executable).parent),
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(GUNICORN_CONF),
            "--bind",
            f"127.0.0.1:{port}",
            "--pythonpath",
            str(tmp_path),
            "health_app:app",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            assert server.poll() is None, f"gunicorn exited: {server.communicate()[1]}"
            assert time.monotonic() < deadline, "gunicorn did not answer in 20 s"
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                connection.close()
                break
            except OSError:
                time.sleep(0.05)
        yield port, tmp_path, server
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_gunicorn_serves_logs_without_query_strings_and_healthcheck_works(
    gunicorn_server: tuple[int, Path, subprocess.Popen[str]],
) -> None:
    port, app_dir, server = gunicorn_server
    secret_path = "/healthz?access_token=SECRET-TOKEN-123"
    assert _get(port, secret_path, {"X-Forwarded-For": "203.0.113.9"}) == 200

    healthcheck = [sys.executable, *_healthcheck_command()[1:]]
    env = {"PORT": str(port)}
    healthy = subprocess.run(healthcheck, env=env, capture_output=True, timeout=30, check=False)
    assert healthy.returncode == 0, healthy.stderr
    (app_dir / "sick").touch()
    sick = subprocess.run(healthcheck, env=env, capture_output=True, timeout=30, check=False)
    assert sick.returncode != 0, "the HEALTHCHECK must fail when /healthz is not 200"

    server.terminate()
    access_log, error_log = server.communicate(timeout=30)
    assert "SECRET-TOKEN-123" not in access_log + error_log
    assert "access_token" not in access_log
    assert re.search(r'fwd=203\.0\.113\.9 .*"GET /healthz HTTP/1\.1" 200 \d+ \d+ms', access_log)
    assert re.search(r'"GET /healthz HTTP/1\.1" 503 ', access_log)
    assert error_log.count("Booting worker") == 2, error_log
    assert "Using worker: gthread" in error_log


# --- Dockerfile and .dockerignore -----------------------------------------------------------


def _final_stage() -> list[tuple[str, str]]:
    instructions = _dockerfile_instructions()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def test_dockerfile_runs_gunicorn_on_the_app_factory_as_a_non_root_user() -> None:
    instructions = _dockerfile_instructions()
    for keyword, arguments in instructions:
        if keyword == "FROM":
            assert arguments.split()[0] == "${PYTHON_IMAGE}", arguments
    final = _final_stage()
    keywords = [keyword for keyword, _ in final]
    (cmd,) = [arguments for keyword, arguments in final if keyword == "CMD"]
    assert json.loads(cmd) == GUNICORN_CMD
    assert keywords[-1] == "CMD"
    (entrypoint,) = [arguments for keyword, arguments in final if keyword == "ENTRYPOINT"]
    assert json.loads(entrypoint) == ["python", "-m", "skill.production"]
    users = [arguments for keyword, arguments in final if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert keywords.index("USER") < keywords.index("CMD")
    assert ("EXPOSE", "8080") in final
    assert ("WORKDIR", "/app") in final
    assert any(
        keyword == "COPY" and arguments == "infra/gunicorn.conf.py ./infra/gunicorn.conf.py"
        for keyword, arguments in final
    ), "the config named by CMD is copied to WORKDIR/infra/"


def test_base_image_is_pinned_by_digest() -> None:
    (first_keyword, argument), *_ = _dockerfile_instructions()
    assert first_keyword == "ARG"
    name, _, image = argument.partition("=")
    assert name == "PYTHON_IMAGE"
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm@sha256:[0-9a-f]{64}", image), image


def test_image_installs_the_hashed_lock_and_runs_in_production_mode() -> None:
    final = _final_stage()
    (install,) = [
        args for keyword, args in final if keyword == "RUN" and "requirements.lock" in args
    ]
    assert "--require-hashes" in install and "--no-deps" in install
    assert "pip check" in install
    environment = " ".join(args for keyword, args in final if keyword == "ENV")
    assert "FOOTCOACH_ENV=production" in environment


def test_dockerfile_installs_the_project_without_dev_extras() -> None:
    pip_runs = [
        args for keyword, args in _dockerfile_instructions() if keyword == "RUN" and "pip" in args
    ]
    assert pip_runs
    for arguments in pip_runs:
        assert "[" not in arguments, f"no extras in the image: {arguments}"
        assert "-e " not in arguments and "--editable" not in arguments


def test_dockerfile_healthcheck_uses_the_standard_library() -> None:
    command = _healthcheck_command()
    assert command[:2] == ["python", "-c"]
    assert "urllib.request" in command[2] and "/healthz" in command[2]
    (arguments,) = [
        args for keyword, args in _dockerfile_instructions() if keyword == "HEALTHCHECK"
    ]
    assert "curl" not in arguments and "wget" not in arguments


def _copied_sources() -> list[str]:
    sources = []
    for keyword, arguments in _dockerfile_instructions():
        if keyword == "COPY" and not arguments.startswith("--from"):
            sources.extend(arguments.split()[:-1])
    return sources


def test_every_copied_file_exists_and_passes_the_dockerignore() -> None:
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert patterns[0] == "*", ".dockerignore is an allowlist: exclude all, then re-include"
    allowed = {pattern[1:].rstrip("/") for pattern in patterns if pattern.startswith("!")}
    for source in _copied_sources():
        assert (ROOT / source).exists(), f"COPY {source}: no such file in the project"
        assert source.rstrip("/") in allowed, f"COPY {source} is excluded by .dockerignore"


def test_dockerfile_cmd_names_a_real_app_factory() -> None:
    module, _, call = GUNICORN_CMD[-1].partition(":")
    factory = call.removesuffix("()")
    source = ROOT / (module.replace(".", "/") + ".py")
    assert source.is_file(), f"{source.relative_to(ROOT)} (named by the Dockerfile CMD) is missing"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert factory in functions


# --- deployment guide -----------------------------------------------------------------------


def test_deploy_guide_covers_every_step() -> None:
    guide = DEPLOY_DOC.read_text(encoding="utf-8")
    for needle in (
        "docker build -f infra/Dockerfile",
        "footcoach store create",
        "aws cloudformation deploy",
        "FOOTCOACH_SKILL_ID",
        "FOOTCOACH_STORE=dynamodb://",
        "AWS_REGION",
        "https://",
        "ask deploy",
        "python infra/build_skill_package.py",
        "WEB_CONCURRENCY",
    ):
        assert needle in guide, needle
