"""The `footcoach` command line: serve, chat, store create, script."""

from __future__ import annotations

import argparse
import re
import sys

from skill.chat.console import add_chat_arguments, chat_main
from skill.routine.catalog import Catalog, RoutineError
from skill.routine.plan import PACES, compile_plan
from skill.routine.speech import body_ssml
from skill.storage import StoreError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="footcoach",
        description="Foot Coach: an Alexa skill that coaches runners through foot exercises.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the skill web service (development server)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.set_defaults(run=run_serve)

    chat = commands.add_parser(
        "chat",
        help="talk to the skill in a terminal, without an Echo",
        description="Type what you would say to Alexa; the coach answers, with pauses shown.",
    )
    add_chat_arguments(chat)
    chat.set_defaults(run=chat_main)

    store = commands.add_parser("store", help="manage the progress store")
    store_commands = store.add_subparsers(dest="store_command", required=True, metavar="ACTION")
    create = store_commands.add_parser(
        "create", help="create the DynamoDB table (idempotent; waits until it is active)"
    )
    create.add_argument(
        "--table", help="table name (default: from FOOTCOACH_STORE=dynamodb://TABLE)"
    )
    create.set_defaults(run=run_store_create)

    script = commands.add_parser("script", help="print a routine's spoken script with its pauses")
    script.add_argument("routine", nargs="?", default=None, help="routine id (default: foot)")
    script.add_argument("--pace", choices=list(PACES), default="normal")
    script.set_defaults(run=run_script)

    args = parser.parse_args(argv)
    result: int = args.run(args)
    return result


def run_serve(args: argparse.Namespace) -> int:
    from skill.app import create_app

    try:
        app = create_app()
    except StoreError as error:
        print(f"footcoach: {error}", file=sys.stderr)
        return 2
    print(
        f"Foot Coach is listening on http://{args.host}:{args.port}/alexa "
        f"(store: {app.config['STORE_URL']})",
        file=sys.stderr,
    )
    app.run(host=args.host, port=args.port, threaded=True)
    return 0


def run_store_create(args: argparse.Namespace) -> int:
    import os

    from skill.storage.dynamodb import create_table

    table = args.table
    if not table:
        url = os.environ.get("FOOTCOACH_STORE", "")
        if not url.startswith("dynamodb://"):
            print(
                "footcoach: give --table NAME or set FOOTCOACH_STORE=dynamodb://TABLE",
                file=sys.stderr,
            )
            return 2
        table = url[len("dynamodb://") :]
    try:
        outcome = create_table(table)
    except StoreError as error:
        print(f"footcoach: {error}", file=sys.stderr)
        return 1
    print(f"table {table}: {outcome}")
    return 0


def run_script(args: argparse.Namespace) -> int:
    try:
        catalog = Catalog.builtin()
    except RoutineError as error:
        print(f"footcoach: {error}", file=sys.stderr)
        return 1
    routine_id = args.routine or catalog.default.id
    if routine_id not in catalog:
        print(
            f"footcoach: unknown routine {routine_id!r} (known: {', '.join(catalog.ids())})",
            file=sys.stderr,
        )
        return 2
    plan = compile_plan(catalog.get(routine_id), args.pace)
    for block in plan.blocks:
        print(
            f"--- block {block.index + 1} of {len(plan.blocks)}, {block.kind}, "
            f"{round(block.seconds())} s ---"
        )
        print(readable(body_ssml(block.cues)))
    print(f"--- about {round(plan.seconds_from(0) / 60)} minutes of coaching ---")
    return 0


def readable(ssml: str) -> str:
    text = re.sub(
        r'<break time="(\d+)ms"/>', lambda m: f" · · · {int(m.group(1)) / 1000:g} s ", ssml
    )
    text = re.sub(r"(?: · · · [\d.]+ s ){2,}", _merge_breaks, text)
    text = re.sub(r"<[^>]+>", "", text)
    return (
        text.replace("&apos;", "'")
        .replace("&quot;", '"')
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    ).strip()


def _merge_breaks(match: re.Match[str]) -> str:
    seconds = sum(float(x) for x in re.findall(r"([\d.]+) s", match.group(0)))
    return f" · · · {seconds:g} s "


if __name__ == "__main__":
    raise SystemExit(main())
