"""The last-minute loop, timed as a coordinator lives it (a separate command, never part of
the tests): one edit alone on the example and on a 3,000-meeting file (known valid, and
after a change by hand), `rota publish` of a whole day with and without what the last
publish left (caldav-sync.json), and `rota update` (edit, replan, publish to a local
Radicale) on the example's busiest day and on a day of a 200-person, 3,000-meeting
conference, whole processes, median of several runs.

    .venv/bin/python benchmarks/update.py
"""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import EXAMPLE, busiest_day, machine, rota_command, timed, timed_rota  # noqa: E402
from synthetic import conference  # noqa: E402

USER, PASSWORD = "coord", "benchmark"


def steps(args: list[str]) -> tuple[float, str]:
    """Whole-process seconds, and the steps `rota update` reports (`took ...`)."""
    seconds, done = timed_rota(args)
    line = next((x for x in done.stderr.splitlines() if x.startswith("took ")), "")
    return seconds, line.removeprefix("took ")


def touch_by_hand(folder: Path) -> None:
    """A change made by hand (a comment added): the next edit checks the whole workspace."""
    path = folder / "meetings.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# by hand\n", encoding="utf-8")


def radicale(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    (folder / "users").write_text(f"{USER}:{PASSWORD}\n")
    config = folder / "config"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n[auth]\ntype = htpasswd\n"
        f"htpasswd_filename = {folder / 'users'}\nhtpasswd_encryption = plain\ndelay = 0\n"
        f"[rights]\ntype = owner_only\n[storage]\nfilesystem_folder = {folder / 'store'}\n"
        "[logging]\nlevel = warning\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return process, f"http://127.0.0.1:{port}/"


def main() -> None:
    runs = 5
    day = busiest_day().isoformat()
    print(f"Machine: {machine()}; {time.strftime('%Y-%m-%d')}\n")
    print("| step | file | median wall (whole process) |")
    print("|---|---|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ws = root / "example"
        shutil.copytree(EXAMPLE, ws)
        adds = [
            timed(["add-meeting", str(ws), "--title", f"Informal {n}", "--start",
                   f"{day} 17:00", "--end", f"{day} 18:00"])
            for n in range(runs)
        ]  # fmt: skip
        print(f"| `rota add-meeting` | example, {682 + runs} meetings | "
              f"{statistics.median(adds):.2f} s |")  # fmt: skip
        big = conference(root / "big", 200, 158, 19, 1)
        subprocess.run([*rota_command(), "check", str(big)], check=True, capture_output=True)
        bigs = [
            timed(["add-meeting", str(big), "--title", f"Informal {n}", "--start",
                   "2018-11-05 17:00", "--end", "2018-11-05 18:00"])
            for n in range(runs)
        ]  # fmt: skip
        print(f"| `rota add-meeting` | generated, 3,00{runs} meetings, known valid | "
              f"{statistics.median(bigs):.2f} s |")  # fmt: skip
        whole = []
        for n in range(3):
            touch_by_hand(big)
            whole.append(timed(["add-meeting", str(big), "--title", f"After {n}", "--start",
                                "2018-11-05 17:00", "--end", "2018-11-05 18:00"]))  # fmt: skip
        print(f"| `rota add-meeting` after a change by hand (checked whole) | generated | "
              f"{statistics.median(whole):.2f} s (median of 3) |")  # fmt: skip

        server_folder = root / "radicale"
        server_folder.mkdir()
        secret = root / "password"
        secret.write_text(PASSWORD + "\n")
        process, url = radicale(server_folder)
        try:
            caldav = ["--caldav", url, "--user", USER, "--password-file", str(secret)]
            subprocess.run([*rota_command(), "plan", str(ws), "--day", day, "--quiet"],
                           check=True, capture_output=True)  # fmt: skip
            publish = ["publish", str(ws), "--day", day, *caldav]
            subprocess.run([*rota_command(), *publish], check=True, capture_output=True)
            cold = []
            for _ in range(runs):
                (ws / "schedules" / "caldav-sync.json").unlink()
                cold.append(timed(publish))
            warm = [timed(publish) for _ in range(runs)]
            loops = [
                steps(["update", str(ws), "--add", "--title", f"Informal consultation {n}",
                       "--start", f"{day} 17:00", "--end", f"{day} 18:00", "--room", "D2",
                       "--now", "14:00", "--quiet", *caldav])
                for n in range(runs)
            ]  # fmt: skip
            big_day = "2018-11-05"
            subprocess.run([*rota_command(), "plan", str(big), "--day", big_day, "--quiet",
                            "--time-limit", "10"], check=True, capture_output=True)  # fmt: skip
            subprocess.run([*rota_command(), "publish", str(big), "--day", big_day, *caldav],
                           check=True, capture_output=True)  # fmt: skip
            big_loops = [
                steps(["update", str(big), "--add", "--title", f"Informal consultation {n}",
                       "--start", f"{big_day} 17:00", "--end", f"{big_day} 18:00", "--room",
                       "D2", "--now", "14:00", "--quiet", *caldav])
                for n in range(runs)
            ]  # fmt: skip
        finally:
            process.terminate()
            process.wait(timeout=10)
        print(
            f"| `rota publish --day` (25 people), every calendar read and compared "
            f"(no caldav-sync.json) | example's busiest day | {statistics.median(cold):.2f} s |"
        )
        print(
            f"| `rota publish --day`, nothing changed since the last publish | example's "
            f"busiest day | {statistics.median(warm):.2f} s |"
        )
        for label, runs_of in (
            (f"example's busiest day ({day})", loops),
            (f"generated 200 people x 3,000 meetings, {big_day}", big_loops),
        ):
            median = statistics.median(s for s, _ in runs_of)
            middle = sorted(runs_of)[len(runs_of) // 2][1]
            print(
                "| `rota update --add ... --caldav` (edit, replan, publish to a local Radicale) "
                f"| {label} | {median:.2f} s (steps of the median run: {middle}) |"
            )


if __name__ == "__main__":
    main()
