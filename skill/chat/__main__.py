"""`python -m skill.chat` is `footcoach chat`."""

import sys

from skill.chat.console import main

sys.exit(main())
