"""The production path: the service template, `make deploy`, the requirements lock, start-up
refusal through the real entry points, JSON logs, the store-error metric filter, the ASK CLI pin.

Real parts: cfn-lint on the template, make's own dry run, gunicorn and `footcoach serve` started
as processes, the service against a DynamoDB-protocol server on loopback (moto), cut off by a
real TCP relay to produce real store errors.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from alexa_client import SKILL_ID, Echo
from cfn_lint import run_cfn_lint
from cfnlint.decode import decode
from dynamo_server import free_loopback_port, start_dynamodb_server
from tcp_switch import TcpSwitch

from skill import logs
from skill.production import embedded_store_problem, startup_problems

ROOT = Path(__file__).resolve().parent.parent
SERVICE_TEMPLATE = ROOT / "infra" / "footcoach.yaml"
TABLE_TEMPLATE = ROOT / "infra" / "dynamodb-table.yaml"
GUNICORN_CONF = ROOT / "infra" / "gunicorn.conf.py"
LOCK_SCRIPT = ROOT / "infra" / "lock.py"
ASK_CLI_PACKAGE = ROOT / "tools" / "ask-cli" / "package.json"
DEPLOY_DOC = ROOT / "docs" / "DEPLOY.md"
BIN = Path(sys.executable).parent
APP = "skill.app:create_app()"


# --- the service template -------------------------------------------------------------------


def _service() -> dict[str, Any]:
    template, errors = decode(str(SERVICE_TEMPLATE))
    assert not errors, errors
    assert template is not None
    # Plain dicts and lists (cfn-lint's nodes compare equal to them, but repr and copy are simpler).
    plain: dict[str, Any] = json.loads(json.dumps(template))
    return plain


def _resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def test_cfn_lint_passes_on_the_service_template() -> None:
    result = run_cfn_lint(SERVICE_TEMPLATE)
    assert result.returncode == 0, f"cfn-lint found problems:\n{result.stdout}{result.stderr}"


def test_cfn_lint_would_catch_a_wrong_health_check_setting(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    text = SERVICE_TEMPLATE.read_text(encoding="utf-8")
    broken.write_text(text.replace("HealthCheckPath:", "HealthCheckPage:"), encoding="utf-8")
    result = run_cfn_lint(broken)
    assert result.returncode != 0 and "HealthCheckPage" in result.stdout, result.stdout


def test_service_template_has_every_part_of_the_service() -> None:
    kinds = {resource["Type"] for resource in _service()["Resources"].values()}
    for kind in (
        "AWS::DynamoDB::Table",
        "AWS::EC2::VPC",
        "AWS::CertificateManager::Certificate",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "AWS::ElasticLoadBalancingV2::Listener",
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        "AWS::ECS::Cluster",
        "AWS::ECS::TaskDefinition",
        "AWS::ECS::Service",
        "AWS::Logs::LogGroup",
        "AWS::Logs::MetricFilter",
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        "AWS::CloudWatch::Alarm",
        "AWS::CloudWatch::Dashboard",
    ):
        assert kind in kinds, kind
    parameters = _service()["Parameters"]
    for name in ("SkillId", "TableName", "Image", "DomainName", "CertificateArn"):
        assert name in parameters, name


def test_the_table_is_the_same_table_as_the_standalone_stack() -> None:
    standalone = yaml.safe_load(TABLE_TEMPLATE.read_text(encoding="utf-8"))
    ours = _service()["Resources"]["ProgressTable"]
    theirs = standalone["Resources"]["ProgressTable"]
    assert ours["Properties"] == theirs["Properties"]
    assert ours["DeletionPolicy"] == ours["UpdateReplacePolicy"] == "Retain"
    assert ours["Condition"] == "MakeTable"


def _statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        statement
        for policy in role["Properties"].get("Policies", [])
        for statement in policy["PolicyDocument"]["Statement"]
    ]


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return sorted([action] if isinstance(action, str) else action)


def test_the_service_role_may_only_get_and_put_items_of_its_table() -> None:
    template = _service()
    roles = _resources(template, "AWS::IAM::Role")
    task_role = template["Resources"]["TaskDefinition"]["Properties"]["TaskRoleArn"]
    assert task_role == {"Fn::GetAtt": ["TaskRole", "Arn"]}
    (statement,) = _statements(roles["TaskRole"])
    assert statement["Effect"] == "Allow"
    assert _actions(statement) == ["dynamodb:GetItem", "dynamodb:PutItem"]
    assert statement["Resource"] == {
        "Fn::If": [
            "MakeTable",
            {"Fn::GetAtt": ["ProgressTable", "Arn"]},
            {
                "Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}"
                ":table/${TableName}"
            },
        ]
    }
    assert "ManagedPolicyArns" not in roles["TaskRole"]["Properties"]
    trust = roles["TaskRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert [s["Principal"] for s in trust] == [{"Service": "ecs-tasks.amazonaws.com"}]


def test_no_other_role_touches_the_table_or_uses_wildcard_actions() -> None:
    roles = _resources(_service(), "AWS::IAM::Role")
    assert set(roles) == {"TaskRole", "ExecutionRole"}
    execution = _statements(roles["ExecutionRole"])
    actions = {action for statement in execution for action in _actions(statement)}
    assert actions == {
        "ecr:GetAuthorizationToken",
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    }
    for statement in execution:
        if statement["Resource"] == "*":
            # Amazon ECR's login call has no resource to scope to.
            assert _actions(statement) == ["ecr:GetAuthorizationToken"]
    assert "ManagedPolicyArns" not in roles["ExecutionRole"]["Properties"]


def test_https_on_443_is_the_only_way_in_and_tasks_take_traffic_from_the_balancer_only() -> None:
    template = _service()
    resources = template["Resources"]
    listeners = _resources(template, "AWS::ElasticLoadBalancingV2::Listener")
    assert [(x["Properties"]["Port"], x["Properties"]["Protocol"]) for x in listeners.values()] == [
        (443, "HTTPS")
    ]
    listener = resources["HttpsListener"]["Properties"]
    assert listener["SslPolicy"].startswith("ELBSecurityPolicy-TLS13")
    assert listener["Certificates"] == [
        {
            "CertificateArn": {
                "Fn::If": ["MakeCertificate", {"Ref": "Certificate"}, {"Ref": "CertificateArn"}]
            }
        }
    ]
    assert listener["DefaultActions"][0]["Type"] == "fixed-response"
    rule = resources["AlexaRule"]["Properties"]
    assert {c["Field"]: c for c in rule["Conditions"]}["path-pattern"]["PathPatternConfig"] == {
        "Values": ["/alexa"]
    }
    balancer_in = resources["LoadBalancerSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    assert [(r["FromPort"], r["ToPort"], r["CidrIp"]) for r in balancer_in] == [
        (443, 443, "0.0.0.0/0")
    ]
    service_in = resources["ServiceSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    assert [(r["FromPort"], r["ToPort"], r["SourceSecurityGroupId"]) for r in service_in] == [
        (8080, 8080, {"Ref": "LoadBalancerSecurityGroup"})
    ]
    assert resources["Certificate"]["Properties"]["ValidationMethod"] == "DNS"


def test_health_checks_ask_healthz_on_the_container_port() -> None:
    resources = _service()["Resources"]
    target_group = resources["TargetGroup"]["Properties"]
    assert target_group["HealthCheckPath"] == "/healthz"
    assert target_group["Matcher"] == {"HttpCode": "200"}
    assert (target_group["Port"], target_group["Protocol"], target_group["TargetType"]) == (
        8080,
        "HTTP",
        "ip",
    )
    (container,) = resources["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    assert container["PortMappings"] == [{"ContainerPort": 8080, "Protocol": "tcp"}]
    command = container["HealthCheck"]["Command"]
    assert command[:3] == ["CMD", "python", "-c"]
    assert "http://127.0.0.1:8080/healthz" in command[3]
    (binding,) = resources["Service"]["Properties"]["LoadBalancers"]
    assert binding == {
        "ContainerName": container["Name"],
        "ContainerPort": 8080,
        "TargetGroupArn": {"Ref": "TargetGroup"},
    }


def test_the_container_health_check_command_really_checks(tmp_path: Path) -> None:
    """The task definition's command, run against a closed port, fails (exit status != 0)."""
    (container,) = _service()["Resources"]["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    code = container["HealthCheck"]["Command"][3]
    port = free_loopback_port()
    result = subprocess.run(
        [sys.executable, "-c", code.replace(":8080/", f":{port}/")],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert result.returncode != 0


def test_the_container_runs_in_production_mode_on_the_stack_table() -> None:
    resources = _service()["Resources"]
    (container,) = resources["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    environment = {item["Name"]: item["Value"] for item in container["Environment"]}
    assert environment["FOOTCOACH_ENV"] == "production"
    assert environment["FOOTCOACH_SKILL_ID"] == {"Ref": "SkillId"}
    assert environment["FOOTCOACH_STORE"] == {
        "Fn::Sub": [
            "dynamodb://${Table}",
            {"Table": {"Fn::If": ["MakeTable", {"Ref": "ProgressTable"}, {"Ref": "TableName"}]}},
        ]
    }
    assert environment["FOOTCOACH_LOG_FORMAT"] == "json"
    assert "FOOTCOACH_ALLOW_EMBEDDED_STORE" not in environment
    assert container["Image"] == {"Ref": "Image"}
    assert container["LogConfiguration"]["Options"]["awslogs-group"] == {"Ref": "LogGroup"}


def test_logs_are_kept_for_a_bounded_time_and_scaling_has_limits() -> None:
    template = _service()
    resources = template["Resources"]
    assert resources["LogGroup"]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert template["Parameters"]["LogRetentionDays"]["Default"] == 30
    target = resources["ScalableTarget"]["Properties"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (
        {"Ref": "MinTasks"},
        {"Ref": "MaxTasks"},
    )
    assert template["Parameters"]["MaxTasks"]["MaxValue"] <= 100
    policies = _resources(template, "AWS::ApplicationAutoScaling::ScalingPolicy")
    metrics = {
        p["Properties"]["TargetTrackingScalingPolicyConfiguration"][
            "PredefinedMetricSpecification"
        ]["PredefinedMetricType"]
        for p in policies.values()
    }
    assert metrics == {"ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"}


def test_alarms_watch_5xx_latency_health_and_store_errors() -> None:
    template = _service()
    alarms = _resources(template, "AWS::CloudWatch::Alarm")
    watched = {a["Properties"]["MetricName"] for a in alarms.values()}
    assert watched == {
        "HTTPCode_Target_5XX_Count",
        "HTTPCode_ELB_5XX_Count",
        "TargetResponseTime",
        "HealthyHostCount",
        "StoreErrors",
    }
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    latency = alarms["LatencyAlarm"]["Properties"]
    assert latency["ExtendedStatistic"] == "p99" and latency["Threshold"] < 8
    (transform,) = template["Resources"]["StoreErrorFilter"]["Properties"]["MetricTransformations"]
    store_alarm = alarms["StoreErrorAlarm"]["Properties"]
    assert (transform["MetricNamespace"], transform["MetricName"]) == (
        store_alarm["Namespace"],
        store_alarm["MetricName"],
    )


def test_the_dashboard_is_valid_json_once_substituted() -> None:
    body, variables = _service()["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    names = set(re.findall(r"\$\{([^}]+)\}", body))
    assert names - set(variables) <= {"AWS::Region", "AWS::StackName", "Cluster"}
    rendered = re.sub(r"\$\{[^}]+\}", "x", body)
    widgets = json.loads(rendered)["widgets"]
    titles = {widget["properties"]["title"] for widget in widgets}
    assert {"Requests and errors", "Response time (s)", "Store errors"} <= titles


# --- make deploy / teardown -----------------------------------------------------------------


def _make(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _deploy_call(dry_run: str) -> list[str]:
    joined = dry_run.replace("\\\n", " ")
    (line,) = [line for line in joined.splitlines() if "cloudformation deploy" in line]
    return shlex.split(line)


def test_make_deploy_passes_every_required_parameter_to_cloudformation() -> None:
    result = _make(
        "-n",
        "deploy",
        "SKILL_ID=amzn1.ask.skill.00000000-0000-0000-0000-000000000000",
        "IMAGE=123456789012.dkr.ecr.us-east-1.amazonaws.com/footcoach@sha256:" + "0" * 64,
        "DOMAIN=footcoach.example.com",
        "HOSTED_ZONE_ID=Z0000000000",
    )
    assert result.returncode == 0, result.stderr
    call = _deploy_call(result.stdout)
    assert call[:3] == ["aws", "cloudformation", "deploy"]
    assert call[call.index("--template-file") + 1] == "infra/footcoach.yaml"
    assert "CAPABILITY_IAM" in call
    overrides = call[call.index("--parameter-overrides") + 1 :]
    given = dict(item.split("=", 1) for item in overrides)
    parameters = _service()["Parameters"]
    assert set(given) <= set(parameters), set(given) - set(parameters)
    required = {name for name, spec in parameters.items() if "Default" not in spec}
    assert required <= set(given), required - set(given)
    assert given["DomainName"] == "footcoach.example.com"
    assert given["HostedZoneId"] == "Z0000000000"
    assert "CertificateArn" not in given, "an unset optional parameter keeps its default"
    for name, value in given.items():
        pattern = parameters[name].get("AllowedPattern")
        if pattern:
            assert re.fullmatch(pattern, value), (name, value)


def test_make_deploy_without_its_settings_stops_with_one_line() -> None:
    result = _make("deploy", "SKILL_ID=", "IMAGE=", "DOMAIN=")
    assert result.returncode != 0
    assert "make deploy needs SKILL_ID=" in result.stderr
    assert "cloudformation" not in result.stdout


def test_make_teardown_deletes_the_stack_and_waits() -> None:
    result = _make("-n", "teardown", "STACK=footcoach-test")
    assert result.returncode == 0, result.stderr
    assert "aws cloudformation delete-stack --stack-name footcoach-test" in result.stdout
    assert (
        "aws cloudformation wait stack-delete-complete --stack-name footcoach-test" in result.stdout
    )


# --- the requirements lock ------------------------------------------------------------------


def _lock_module() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("footcoach_lock", LOCK_SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_lock_agrees_with_pyproject() -> None:
    result = subprocess.run(
        [sys.executable, str(LOCK_SCRIPT), "check", "--offline"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    locked = _lock_module().parse_lock((ROOT / "requirements.lock").read_text(encoding="utf-8"))
    assert {"flask", "ask-sdk-core", "boto3", "cryptography", "gunicorn"} <= set(locked)
    assert all(hashes >= 1 for _, hashes, _ in locked.values())
    assert locked["ask-sdk-core"][0].startswith("1.19.")


LOCK_SAMPLE = """\
flask==3.1.3 \\
    --hash=sha256:aaaa
    # via foot-coach (pyproject.toml)
werkzeug==3.1.9 \\
    --hash=sha256:bbbb
    # via flask
"""
PYPROJECT_SAMPLE = '[project]\nname = "x"\ndependencies = [{deps}]\n'


@pytest.mark.parametrize(
    ("deps", "lock", "expected"),
    [
        ('"flask>=3,<4"', LOCK_SAMPLE, []),
        ('"flask>=3,<4", "gunicorn>=25"', LOCK_SAMPLE, ["gunicorn>=25 is in pyproject.toml"]),
        ('"flask>=4"', LOCK_SAMPLE, ["pins flask==3.1.3, outside flask>=4"]),
        ("", LOCK_SAMPLE, ["flask==3.1.3, which pyproject.toml dropped"]),
        ('"flask"', LOCK_SAMPLE.replace("    --hash=sha256:aaaa\n", ""), ["without a hash"]),
    ],
)
def test_the_lock_check_finds_each_kind_of_drift(deps: str, lock: str, expected: list[str]) -> None:
    problems = _lock_module().offline_problems(PYPROJECT_SAMPLE.format(deps=deps), lock)
    assert len(problems) == len(expected), problems
    for problem, fragment in zip(problems, expected, strict=True):
        assert fragment in problem


def test_ci_runs_the_tests_then_the_lock_check() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in script.splitlines() if line.strip().startswith("make ")]
    assert commands == ["make test", "make lock-check"]


# --- start-up refusal through the real entry points -----------------------------------------


def _environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    return {
        "PATH": f"{BIN}{os.pathsep}/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        **settings,
    }


def _run(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


GUNICORN = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), APP]
IMAGE_COMMAND = ["python", "-m", "skill.production", "gunicorn", "-c", str(GUNICORN_CONF)]
REFUSALS = [
    pytest.param({}, "FOOTCOACH_STORE is not set and FOOTCOACH_ENV=production", id="no-store"),
    pytest.param(
        {"FOOTCOACH_STORE": "sqlite:////var/lib/footcoach/progress.db"},
        "FOOTCOACH_STORE=sqlite:////var/lib/footcoach/progress.db is the embedded SQLite store",
        id="sqlite",
    ),
]


@pytest.mark.parametrize(("settings", "message"), REFUSALS)
def test_gunicorn_with_the_config_refuses_the_embedded_store_in_production(
    tmp_path: Path, settings: dict[str, str], message: str
) -> None:
    env = _environment(tmp_path, FOOTCOACH_ENV="production", **settings)
    result = _run(GUNICORN, env, tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("footcoach: " + message)
    assert "FOOTCOACH_ALLOW_EMBEDDED_STORE=1" in lines[0]
    assert "Traceback" not in result.stderr and not list(tmp_path.rglob("*.db"))


@pytest.mark.parametrize(("settings", "message"), REFUSALS)
def test_footcoach_serve_refuses_the_embedded_store_in_production(
    tmp_path: Path, settings: dict[str, str], message: str
) -> None:
    env = _environment(tmp_path, FOOTCOACH_ENV="production", **settings)
    result = _run([str(BIN / "footcoach"), "serve", "--port", "1"], env, tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("footcoach: " + message)
    assert not list(tmp_path.rglob("*.db"))


@pytest.mark.parametrize(("settings", "message"), REFUSALS)
def test_the_image_entrypoint_refuses_before_starting_anything(
    tmp_path: Path, settings: dict[str, str], message: str
) -> None:
    env = _environment(tmp_path, FOOTCOACH_ENV="production", **settings)
    marker = tmp_path / "started"
    command = [sys.executable, "-m", "skill.production", "touch", str(marker)]
    result = _run(command, env, tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "footcoach: " + embedded_store_problem(env)  # type: ignore[operator]
    assert message in result.stderr
    assert not marker.exists()


def test_web_concurrency_two_is_one_clear_line_not_a_traceback(tmp_path: Path) -> None:
    env = _environment(tmp_path, WEB_CONCURRENCY="two", FOOTCOACH_STORE="dynamodb://t-able")
    result = _run([*IMAGE_COMMAND, APP], env, tmp_path)
    assert result.returncode == 2
    assert result.stderr == "footcoach: WEB_CONCURRENCY must be a whole number, got 'two'\n"
    # Without the entrypoint, gunicorn itself fails on it while importing its settings.
    bare = _run(GUNICORN, env, tmp_path)
    assert bare.returncode != 0 and "Traceback" in bare.stderr


def test_every_bad_setting_is_named_at_once() -> None:
    problems = startup_problems(
        {
            "PORT": "http",
            "WEB_CONCURRENCY": "0",
            "FOOTCOACH_LOG_FORMAT": "xml",
            "FOOTCOACH_LOG_LEVEL": "LOUD",
            "FOOTCOACH_ENV": "production",
        }
    )
    assert [problem.split()[0] for problem in problems] == [
        "PORT",
        "WEB_CONCURRENCY",
        "FOOTCOACH_LOG_FORMAT",
        "FOOTCOACH_LOG_LEVEL",
        "FOOTCOACH_STORE",
    ]


@pytest.mark.parametrize(
    "settings",
    [
        {"FOOTCOACH_ENV": "production", "FOOTCOACH_STORE": "dynamodb://footcoach-progress"},
        {"FOOTCOACH_ENV": "production", "FOOTCOACH_ALLOW_EMBEDDED_STORE": "1"},
        {
            "FOOTCOACH_ENV": "production",
            "FOOTCOACH_STORE": "sqlite:///p.db",
            "FOOTCOACH_ALLOW_EMBEDDED_STORE": "1",
        },
        {"FOOTCOACH_STORE": "sqlite:///p.db"},
        {},
    ],
)
def test_durable_store_or_explicit_permission_or_development_passes(
    settings: dict[str, str],
) -> None:
    assert embedded_store_problem(settings) is None
    assert startup_problems(settings) == []


def _wait_for_health(url: str, process: subprocess.Popen[str], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        assert process.poll() is None, f"the service exited: {process.communicate()[1]}"
        assert time.monotonic() < deadline, f"{url}/healthz did not answer 200 in {seconds} s"
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        time.sleep(0.1)


@pytest.fixture
def service_process() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.communicate(timeout=30)  # also closes the pipes
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def test_a_single_node_trial_may_use_sqlite_when_allowed(
    tmp_path: Path, service_process: list[subprocess.Popen[str]]
) -> None:
    port = free_loopback_port()
    env = _environment(
        tmp_path,
        FOOTCOACH_ENV="production",
        FOOTCOACH_ALLOW_EMBEDDED_STORE="1",
        FOOTCOACH_STORE=f"sqlite:///{tmp_path / 'trial.db'}",
        WEB_CONCURRENCY="1",
    )
    command = [*GUNICORN[:-1], "--bind", f"127.0.0.1:{port}", APP]
    process = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    service_process.append(process)
    _wait_for_health(f"http://127.0.0.1:{port}", process)
    assert (tmp_path / "trial.db").exists()


# --- production on the DynamoDB protocol: JSON logs and the store-error metric filter -------


@pytest.fixture(scope="module")
def dynamodb_endpoint() -> Iterator[str]:
    with start_dynamodb_server() as endpoint:
        yield endpoint


def _filter_terms() -> tuple[tuple[str, str], list[tuple[str, str]]]:
    """The store-error filter pattern as (logger term, [message terms]); the pattern's shape is
    `{ $.logger = "..." && ($.message = "..." || ...) }` and this test keeps it so."""
    pattern = " ".join(
        _service()["Resources"]["StoreErrorFilter"]["Properties"]["FilterPattern"].split()
    )
    shape = re.fullmatch(r'\{ (\$\.\w+ = "[^"]+") && \((.+)\) \}', pattern)
    assert shape, pattern
    term = re.compile(r'\$\.(\w+) = "([^"]+)"')
    first = term.fullmatch(shape.group(1))
    assert first
    alternatives = [term.fullmatch(part.strip()) for part in shape.group(2).split("||")]
    assert all(alternatives), pattern
    return (first.group(1), first.group(2)), [(m.group(1), m.group(2)) for m in alternatives if m]


def _matches(value: str, wanted: str) -> bool:
    return value.startswith(wanted[:-1]) if wanted.endswith("*") else value == wanted


def _store_error_lines(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    (field, wanted), alternatives = _filter_terms()
    return [
        record
        for record in records
        if _matches(str(record.get(field, "")), wanted)
        and any(_matches(str(record.get(f, "")), w) for f, w in alternatives)
    ]


def test_production_service_logs_json_and_its_store_errors_match_the_metric_filter(
    tmp_path: Path, dynamodb_endpoint: str, service_process: list[subprocess.Popen[str]]
) -> None:
    host, _, upstream_port = dynamodb_endpoint.removeprefix("http://").rpartition(":")
    switch = TcpSwitch(host, int(upstream_port))
    try:
        aws = {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{switch.port}",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }
        env = _environment(
            tmp_path,
            FOOTCOACH_ENV="production",
            FOOTCOACH_STORE="dynamodb://footcoach-deploy-test",
            FOOTCOACH_SKILL_ID=SKILL_ID,
            FOOTCOACH_VERIFY_SIGNATURES="0",
            FOOTCOACH_LOG_FORMAT="json",
            WEB_CONCURRENCY="1",
            **aws,
        )
        created = _run([str(BIN / "footcoach"), "store", "create"], env, tmp_path)
        assert created.returncode == 0, created.stderr

        port = free_loopback_port()
        url = f"http://127.0.0.1:{port}"
        command = [*IMAGE_COMMAND, "--bind", f"127.0.0.1:{port}", APP]
        process = subprocess.Popen(
            command,
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        service_process.append(process)
        _wait_for_health(url, process)

        assert Echo(f"{url}/alexa").launch().status == 200
        switch.switch_off()
        during_outage = Echo(f"{url}/alexa").launch()
        assert during_outage.status == 200, "a store outage is spoken about, not a crash"
    finally:
        switch.close()

    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    error_lines = [json.loads(line) for line in err.splitlines() if line.strip()]
    access_lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    for record in error_lines + access_lines:
        assert set(record) >= {"time", "level", "logger", "message"}, record
    assert any(
        r["logger"] == "gunicorn.error" and "Booting worker" in r["message"] for r in error_lines
    )
    assert any(
        r["logger"] == "gunicorn.access" and "POST /alexa" in r["message"] for r in access_lines
    )
    assert not any("control socket" in r["message"].lower() for r in error_lines)
    store_errors = _store_error_lines(error_lines)
    assert len(store_errors) >= 1, error_lines
    assert not _store_error_lines([r for r in error_lines if r not in store_errors])


# --- JSON log lines -------------------------------------------------------------------------


def test_json_log_lines_are_one_object_per_event_even_with_line_breaks() -> None:
    formatter = logs.JsonFormatter()
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        record = logging.LogRecord(
            "skill.test", logging.ERROR, __file__, 1, "two\nlines %s", ("here",), sys.exc_info()
        )
    line = formatter.format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "two\nlines here"
    assert entry["level"] == "ERROR" and entry["logger"] == "skill.test"
    assert "ValueError: bad\nvalue" in entry["exception"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", entry["time"])


def test_gunicorn_logconfig_is_a_valid_logging_configuration() -> None:
    config = copy.deepcopy(logs.gunicorn_logconfig({"FOOTCOACH_LOG_LEVEL": "warning"}))
    assert config["root"]["level"] == "WARNING"
    assert config["loggers"]["gunicorn.access"]["handlers"] == ["json_stdout"]
    formatter_factory = config["formatters"]["json"]["()"]
    module, _, name = formatter_factory.rpartition(".")
    assert getattr(__import__(module, fromlist=[name]), name) is logs.JsonFormatter


# --- the ASK CLI, pinned --------------------------------------------------------------------


def test_the_ask_cli_is_pinned_with_the_working_antlr4ts() -> None:
    package = json.loads(ASK_CLI_PACKAGE.read_text(encoding="utf-8"))
    version = package["dependencies"]["ask-cli"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), "an exact version, not a range"
    # antlr4ts 0.5.0-dev (what ask-cli's ranges pick) crashes every command at start-up.
    assert package["overrides"] == {"antlr4ts": "0.5.0-alpha.4"}
    lock = json.loads((ASK_CLI_PACKAGE.parent / "package-lock.json").read_text(encoding="utf-8"))
    packages = lock["packages"]
    assert packages["node_modules/ask-cli"]["version"] == version
    antlr = [entry for path, entry in packages.items() if path.endswith("node_modules/antlr4ts")]
    assert antlr and {entry["version"] for entry in antlr} == {"0.5.0-alpha.4"}
    assert all("integrity" in entry for path, entry in packages.items() if path)


def test_the_deploy_guide_gives_the_working_commands() -> None:
    guide = DEPLOY_DOC.read_text(encoding="utf-8")
    for needle in (
        "make deploy",
        "make teardown",
        "podman build --format docker",
        "buildah build --format docker",
        "npm ci --prefix tools/ask-cli",
        "FOOTCOACH_ALLOW_EMBEDDED_STORE",
        "FOOTCOACH_LOG_FORMAT",
        "restore-table-to-point-in-time",
        "make lock",
        "control socket",
    ):
        assert needle in guide, needle


def test_every_variable_the_service_reads_is_in_the_guide_table() -> None:
    guide = DEPLOY_DOC.read_text(encoding="utf-8")
    table = guide[guide.index("## 8. All variables") : guide.index("## 9. Operations")]
    documented = set(re.findall(r"^\| `([A-Z_]+)`", table, flags=re.MULTILINE))
    sources = [*sorted((ROOT / "skill").rglob("*.py")), GUNICORN_CONF]
    read = {
        name
        for source in sources
        for name in re.findall(
            r"[\"']((?:FOOTCOACH|GUNICORN)_[A-Z_]+|WEB_CONCURRENCY|PORT)[\"']",
            source.read_text(encoding="utf-8"),
        )
    }
    assert {"FOOTCOACH_STORE", "FOOTCOACH_ENV", "WEB_CONCURRENCY"} <= read
    assert read - documented == set(), "read by the service but missing from the guide's table"
    assert {"AWS_REGION", "AWS_ENDPOINT_URL_DYNAMODB"} <= set(re.findall(r"`(AWS_[A-Z_]+)`", table))
