"""The last-minute loop, timed as a coordinator lives it (a separate command, never part of
the tests): one edit alone on the example and on a 3,000-meeting file, and `rota update`
(edit, replan, publish to a local Radicale) on the example's busiest day, whole processes,
median of several runs.

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

from run import EXAMPLE, busiest_day, machine, rota_command  # noqa: E402
from synthetic import conference  # noqa: E402

USER, PASSWORD = "coord", "benchmark"


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([*rota_command(), *args], check=True, capture_output=True)
    return time.perf_counter() - start


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
        bigs = [
            timed(["add-meeting", str(big), "--title", f"Informal {n}", "--start",
                   "2018-11-05 17:00", "--end", "2018-11-05 18:00"])
            for n in range(3)
        ]  # fmt: skip
        print(f"| `rota add-meeting` | generated, 3,002 meetings | "
              f"{statistics.median(bigs):.2f} s (median of 3) |")  # fmt: skip

        server_folder = root / "radicale"
        server_folder.mkdir()
        secret = root / "password"
        secret.write_text(PASSWORD + "\n")
        process, url = radicale(server_folder)
        try:
            caldav = ["--caldav", url, "--user", USER, "--password-file", str(secret)]
            subprocess.run([*rota_command(), "plan", str(ws), "--day", day, "--quiet"],
                           check=True, capture_output=True)  # fmt: skip
            subprocess.run([*rota_command(), "publish", str(ws), "--day", day, *caldav],
                           check=True, capture_output=True)  # fmt: skip
            loops = [
                timed(["update", str(ws), "--add", "--title", f"Informal consultation {n}",
                       "--start", f"{day} 17:00", "--end", f"{day} 18:00", "--room", "D2",
                       "--now", "14:00", "--quiet", *caldav])
                for n in range(runs)
            ]  # fmt: skip
        finally:
            process.terminate()
            process.wait(timeout=10)
        median = statistics.median(loops)
        print(
            "| `rota update --add ... --caldav` (edit, replan, publish to a local Radicale) | "
            f"example's busiest day ({day}) | {median:.2f} s |"
        )


if __name__ == "__main__":
    main()
