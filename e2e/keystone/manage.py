"""Run keystone.sh's keystone-manage steps in one Python process.

    manage.py KEYSTONE_CONF PUBLIC_URL REGION

Each `keystone-manage` process spends ~2-3 s (far more on a loaded 2-core
machine) importing Keystone. Calling the same entry point
(keystone.cmd.cli.main) four times in one interpreter pays that import once:
measured here, 3-4.5 s of CPU instead of ~15 s for four processes, which is
what matters when other jobs share the cores.

Steps: db_sync, WAL mode (reference/keystone.md pitfall 1: rollback-journal
sqlite gives random "database is locked" 500s), fernet_setup,
credential_setup, bootstrap. The admin password comes from
OS_BOOTSTRAP_PASSWORD, which keystone-manage bootstrap reads itself.
Keystone's own log goes to the log_file of the config; this prints one
status line per step on stderr.
"""

import os
import sqlite3
import sys
import time


def log(msg):
    print("[manage.py] " + msg, file=sys.stderr, flush=True)


def enable_wal(conf_path):
    # The DB path is in [database] connection = sqlite:///PATH.
    db = None
    with open(conf_path) as f:
        for line in f:
            key, _, value = line.partition("=")
            if key.strip() == "connection" and value.strip().startswith("sqlite:///"):
                db = value.strip()[len("sqlite:///"):]
    if not db:
        raise SystemExit("manage.py: no sqlite connection in " + conf_path)
    conn = sqlite3.connect(db)
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    conn.close()
    if mode.lower() != "wal":
        raise SystemExit("manage.py: journal_mode is %s, want wal" % mode)


def main(argv):
    if len(argv) != 4:
        raise SystemExit(__doc__)
    conf, public_url, region = argv[1:]
    t0 = time.monotonic()
    from keystone.cmd import cli  # the import that costs seconds
    import keystone.conf
    log("keystone imported in %.1fs" % (time.monotonic() - t0))

    owner = ["--keystone-user", "root", "--keystone-group", "root"]
    steps = [
        ["db_sync"],
        ["fernet_setup"] + owner,
        ["credential_setup"] + owner,
        ["bootstrap", "--bootstrap-username", "admin", "--bootstrap-project-name", "admin",
         "--bootstrap-role-name", "admin", "--bootstrap-service-name", "keystone",
         "--bootstrap-region-id", region, "--bootstrap-public-url", public_url],
    ]
    for step in steps:
        t = time.monotonic()
        cli.main(argv=["keystone-manage", "--config-file", conf] + step)
        # cli.main parses the command line into the global CONF; clear it so
        # the next step can parse its own.
        keystone.conf.CONF.reset()
        keystone.conf.CONF.clear()
        if step[0] == "db_sync":
            enable_wal(conf)
        log("%s done in %.1fs" % (step[0], time.monotonic() - t))


if __name__ == "__main__":
    try:
        main(sys.argv)
    except SystemExit as e:
        if e.code not in (None, 0):
            print(e.code, file=sys.stderr, flush=True)
            os._exit(1)
    except BaseException as e:  # noqa: B902 - any failure must be a non-zero exit
        log("failed: %r" % e)
        os._exit(1)
    # os._exit skips interpreter teardown, where eventlet prints harmless
    # "Exception ignored ... getcurrent" noise (pitfall 5) and can linger.
    os._exit(0)
