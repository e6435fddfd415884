"""`footcoach chat`: the terminal voice console for the Foot Coach skill.

Wiring for the `footcoach` command line::

    chat = subcommands.add_parser("chat", help="talk to the skill in a terminal")
    add_chat_arguments(chat)
    ...
    return chat_main(args)
"""

from skill.chat.console import ChatOptions, add_chat_arguments, chat_main, run_chat

__all__ = ["ChatOptions", "add_chat_arguments", "chat_main", "run_chat"]
