"""A stand-in for core.flink.child: speaks the JSON-line protocol without a JVM.

Behaviour comes from argv[1]: "hang" (spawn a grandchild, never answer), "exit" (die at once),
"nopyflink" (print PyFlink's import error and die), "serve" (answer every request; log requests to
argv[2]). Every mode writes its own and its grandchild's pid to $FAKE_PIDS so tests can check both die.
"""

import json
import os
import subprocess
import sys
import time

mode = sys.argv[1]
pids = [os.getpid()]
grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
pids.append(grandchild.pid)
with open(os.environ["FAKE_PIDS"], "w") as f:
    f.write(" ".join(map(str, pids)))
if mode == "hang":
    time.sleep(600)
elif mode == "exit":
    sys.exit(3)
elif mode == "nopyflink":
    sys.stderr.write("ModuleNotFoundError: No module named 'pyflink'\n")
    sys.exit(1)
elif mode == "serve":
    log = open(sys.argv[2], "a")  # noqa: SIM115 - kept open for the fake's whole life
    for line in sys.stdin:
        req = json.loads(line)
        log.write(req["op"] + "\n")
        log.flush()
        if req["op"] == "close":
            break
        answer = {"ok": True, "version": "fake", "job_id": "0" * 32, "columns": [["user_id", "STRING"]]}
        if req["op"] == "explain" and "nope" in req["sql"]:
            answer = {"ok": False, "kind": "flink",
                      "error": "An error occurred while calling o8.explainSql.\n: org.apache.flink.table.api."
                               "ValidationException: Column 'nope' not found\n\tat org.Foo(Foo.java:1)"}
        elif req["op"] == "explain":
            answer["plan"] = "== Optimized Physical Plan ==\nGroupAggregate(groupBy=[k])\n" \
                             "+- Exchange(distribution=[hash[k]])\n   +- TableSourceScan(table=[[t]])\n"
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    time.sleep(600)  # linger like a JVM would: close() must still kill the group
