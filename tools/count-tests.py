#!/usr/bin/env python3
"""Counts test cases in meson's testlog.json; ends with the line 'N passed, N failed'.

Each meson test is a GTest program speaking TAP; its cases are the 'ok'/'not ok'
lines of its output. A program that failed without reporting a failing case
(a crash, a timeout) counts as one failure, so a broken run never looks green.
Cases a program skips because another test runs them ("SKIP by request", the
--skip-prefix of tests/meson.build) are not counted; any other skip is, on a
line of its own before the summary.
"""
import json
import re
import sys

passed = failed = skipped = 0
with open(sys.argv[1], encoding="utf-8") as log:
    for line in log:
        test = json.loads(line)
        output = test.get("stdout") or ""
        cases = re.findall(r"^(not ok|ok)\b(.*)$", output, re.MULTILINE)
        case_failures = 0
        for verdict, rest in cases:
            if "# SKIP by request" in rest:
                continue
            if "# SKIP" in rest:
                skipped += 1
            elif verdict == "ok":
                passed += 1
            else:
                failed += 1
                case_failures += 1
        if test.get("result") not in ("OK", "SKIP", "EXPECTEDFAIL") and case_failures == 0:
            failed += 1

if skipped:
    print(f"{skipped} skipped")
print(f"{passed} passed, {failed} failed")
