"""The tests' fake Bot API as a process, for the container check: `python .ci/fake_bot_api.py DIR`.

Writes DIR/port, queues one question, writes DIR/replied once the bot answered it, and serves
until killed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fakebotapi import FakeBotAPI

TOKEN = "7000000001:AAFakeTokenForTheContainerCheck0123"


def main() -> None:
    out = Path(sys.argv[1])
    with FakeBotAPI(token=TOKEN) as api:
        (out / "port").write_text(str(api.port))
        update = api.send_text(FakeBotAPI.user(1001, first_name="Citizen", language_code="en"),
                               "What is ENEMO?")
        reply = api.wait_for_sync("sendMessage", update.matches, timeout=600)
        (out / "replied").write_text(reply.params["text"][:200])
        while True:
            time.sleep(60)


if __name__ == "__main__":
    main()
